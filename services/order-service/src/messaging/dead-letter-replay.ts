import type { Admin, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { ACKS_ALL, createProducer } from '@ecom/service-kit/kafka';
import { withTimeLimit } from '@ecom/service-kit/lifecycle';

/** What one run replays of a partition: from its group's committed offset up to `end` (exclusive). */
export interface ReplayRange {
  readonly partition: number;
  readonly from: bigint;
  readonly end: bigint;
}

export interface ReplayOptions {
  readonly kafka: Kafka;
  readonly from: string;
  readonly to: string;
  /** The replay's own consumer group: a message is replayed once per group. */
  readonly groupId: string;
  /** Gives up waiting for the remaining messages after this long. */
  readonly timeoutMs?: number;
  /** Called once the run has fixed what it replays, before it reads (the CLI logs the plan). */
  readonly onPlanned?: (plan: readonly ReplayRange[]) => Promise<unknown> | void;
}

/**
 * Copies the dead letters present when the replay starts (not those that arrive during it, such
 * as a poison message failing again) back to the requests topic, `dlq-*` headers dropped.
 * Offsets are committed by hand, each once its message is sent, and never for a message left for
 * later: a dead letter that arrives during a run is the next run's. Resolves with how many
 * messages were replayed.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<number> {
  const { kafka, from, groupId } = options;
  const admin = kafka.admin();
  const producer = createProducer(kafka);
  const consumer = kafka.consumer({ groupId });
  await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
  try {
    const plan = await planReplay(admin, from, groupId);
    await options.onPlanned?.(plan);
    if (plan.length === 0) return 0;
    return await copyPlanned(options, plan, consumer, producer);
  } finally {
    await consumer.disconnect();
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
  }
}

/** The partitions with something to replay: from the group's committed offset (or the start) to the end now. */
async function planReplay(admin: Admin, topic: string, groupId: string): Promise<ReplayRange[]> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  return ends
    .map((end) => {
      const start = BigInt(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1');
      return { partition: end.partition, from: start < 0n ? BigInt(end.low) : start, end: BigInt(end.high) };
    })
    .filter((range) => range.end > range.from);
}

/** Sends the planned messages on; resolves with how many once all are sent (or at the timeout). */
async function copyPlanned(
  { from, to, timeoutMs = 30_000 }: ReplayOptions,
  plan: readonly ReplayRange[],
  consumer: Consumer,
  producer: Producer,
): Promise<number> {
  const remaining = new Map(plan.map((range) => [range.partition, range.end]));
  let replayed = 0;
  await consumer.subscribe({ topics: [from], fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false, // kafkajs would otherwise commit the messages this run leaves for the next
      eachMessage: async ({ partition, message, pause }) => {
        const end = remaining.get(partition);
        if (end === undefined || BigInt(message.offset) >= end) return void pause();
        await producer.send({ topic: to, acks: ACKS_ALL, messages: [withoutDeadLetterHeaders(message)] });
        const next = BigInt(message.offset) + 1n;
        await consumer.commitOffsets([{ topic: from, partition, offset: next.toString() }]);
        replayed += 1;
        if (next < end) return;
        remaining.delete(partition);
        pause();
        if (remaining.size === 0) resolve();
      },
    });
  });
  await withTimeLimit(done, timeoutMs, () => undefined);
  return replayed;
}

function withoutDeadLetterHeaders(message: KafkaMessage) {
  const headers = Object.fromEntries(
    Object.entries(message.headers ?? {}).filter(([name]) => !name.startsWith('dlq-')),
  );
  return { key: message.key, value: message.value, headers };
}
