/**
 * The system's Kafka topics, with the partition counts of libraries/service-kit/src/kafka/topics.ts
 * (TOPICS / ALL_TOPICS, the one declaration): created when missing for `npm start` and `npm test`,
 * recreated empty for a copy (under its prefix), deleted again after a test.
 */
import { TOPICS, createKafka, createTopicsWithLeaders, ensureTopics, type TopicSpec } from '@ecom/service-kit/kafka';
import { createLogger } from '@ecom/service-kit/logging';
import type { SystemTopics, TopicKey } from '../env/service-configs';

type KafkaAdmin = ReturnType<ReturnType<typeof createKafka>['admin']>;

/** Every topic of TOPICS under the names the services read (`names`; default: as declared). */
export function systemTopicSpecs(names?: SystemTopics): TopicSpec[] {
  return (Object.keys(TOPICS) as TopicKey[]).map((key) => ({ ...TOPICS[key], name: names?.[key] ?? TOPICS[key].name }));
}

async function withAdmin<T>(brokers: readonly string[], use: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const logger = createLogger({ service: 'system-launcher', level: 'warn' });
  const admin = createKafka({ clientId: 'system-launcher', brokers: [...brokers], logger }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates those of `topics` (default: the system's, as declared) that do not exist yet; returns the names created. */
export function ensureSystemTopics(brokers: readonly string[], topics = systemTopicSpecs()): Promise<string[]> {
  return withAdmin(brokers, (admin) => ensureTopics(admin, topics));
}

/** Deletes `topics` where they exist and creates them afresh (empty, with their partition counts). */
export function recreateTopics(brokers: readonly string[], topics: readonly TopicSpec[]): Promise<void> {
  return withAdmin(brokers, async (admin) => {
    await deleteExisting(
      admin,
      topics.map((topic) => topic.name),
    );
    const specs = topics.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions, replicationFactor: 1 }));
    // Right after a deletion the broker may still refuse the names for a moment: try again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await createTopicsWithLeaders(admin, specs);
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(500);
      }
    }
  });
}

/** Deletes those of `names` that exist. */
export function deleteTopics(brokers: readonly string[], names: readonly string[]): Promise<void> {
  return withAdmin(brokers, (admin) => deleteExisting(admin, names));
}

async function deleteExisting(admin: KafkaAdmin, names: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const ours = names.filter((name) => existing.has(name));
  if (ours.length === 0) return;
  await admin.deleteTopics({ topics: ours, timeout: 30_000 });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const left = new Set(await admin.listTopics());
    if (!ours.some((name) => left.has(name))) return;
    await sleep(200);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
