import { Kafka, logLevel, type Admin, type KafkaConfig, type Producer, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import type { TopicSpec } from './topics';

export interface KafkaSettings {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly logger: Logger;
  /** TLS and SASL for managed clusters; plain TCP when absent. */
  readonly ssl?: KafkaConfig['ssl'];
  readonly sasl?: KafkaConfig['sasl'];
}

/**
 * A kafkajs client that logs through pino and gives up within seconds when the cluster is
 * unreachable, so callers can answer 503 instead of hanging.
 */
export function createKafka({ clientId, brokers, logger, ssl, sasl }: KafkaSettings): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers: [...brokers],
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl === undefined ? {} : { sasl }),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5, multiplier: 2 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => writeKafkaLog(kafkaLogger, entry),
  });
}

const pinoLevels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function writeKafkaLog(logger: Logger, { namespace, level, log }: LogEntry): void {
  const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
  logger[pinoLevels[level] ?? 'info']({ namespace, ...extra }, message);
}

/**
 * The producer every service uses: idempotent (no duplicates from its own retries), `acks: -1`
 * (every in-sync replica has the record before `send` resolves), one request in flight per
 * broker so retries cannot reorder a partition. Retries are bounded rather than kafkajs's
 * idempotent default of "forever", so a dead broker surfaces as an error the caller can map to 503.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 5 },
  });
}

/** The acknowledgement level every send uses: all in-sync replicas. */
export const ACKS_ALL = -1;

/** Creates the topics that do not exist yet; existing topics are left as they are. */
export async function ensureTopics(
  admin: Admin,
  topics: readonly TopicSpec[],
  replicationFactor = 1,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic.name));
  if (missing.length === 0) return [];
  await createTopicsWithLeaders(
    admin,
    missing.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions, replicationFactor })),
  );
  return missing.map((topic) => topic.name);
}

export interface NewTopic {
  readonly topic: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  /** Topic-level settings, e.g. `max.message.bytes`. */
  readonly configEntries?: readonly { readonly name: string; readonly value: string }[];
}

/**
 * Answers a new topic's creator may see until every broker knows the topic and each
 * partition's leader has taken up its role. The controller's metadata can name a leader
 * a moment before that broker serves the partition (seen in CI: ListOffsets answered
 * NOT_LEADER_FOR_PARTITION right after the metadata showed a leader).
 */
const NOT_PROPAGATED_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/**
 * Creates `topics` and resolves once every partition's leader answers for it: the metadata
 * names a leader and a ListOffsets request to that leader succeeds. kafkajs's own
 * `waitForLeaders` retries only LEADER_NOT_AVAILABLE and stops at the metadata, so a broker
 * that has just started (and answers UNKNOWN_TOPIC_OR_PARTITION for a moment) failed the
 * creation, and the first read of a new topic could meet NOT_LEADER_FOR_PARTITION.
 */
export async function createTopicsWithLeaders(
  admin: Admin,
  topics: readonly NewTopic[],
  timeoutMs = 30_000,
): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: topics.map((topic) => ({ ...topic, configEntries: [...(topic.configEntries ?? [])] })),
  });
  const names = topics.map((topic) => topic.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await leadersServe(admin, names)) return;
    } catch (error) {
      if (!NOT_PROPAGATED_YET.has(kafkaErrorType(error)) || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A kafkajs error's protocol type, also when kafkajs gave up retrying it (the type is then its cause's). */
function kafkaErrorType(error: unknown): string {
  const { type, cause } = error as { type?: string; cause?: { type?: string } };
  return type ?? cause?.type ?? '';
}

/** Whether every partition of `names` has a leader that answers ListOffsets for it. */
async function leadersServe(admin: Admin, names: readonly string[]): Promise<boolean> {
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...names] });
  if (!metadata.every(({ partitions }) => partitions.every((partition) => partition.leader >= 0))) return false;
  await Promise.all(names.map((name) => admin.fetchTopicOffsets(name)));
  return true;
}
