import type { Kafka } from 'kafkajs';
import { ACKS_ALL, createProducer } from '@ecom/service-kit/kafka';

export interface ReplayOptions {
  readonly kafka: Kafka;
  readonly from: string;
  readonly to: string;
  /** The replay's own consumer group: a message is replayed once per group. */
  readonly groupId: string;
  /** Gives up waiting for the remaining messages after this long. */
  readonly timeoutMs?: number;
}

/**
 * Copies the dead letters present when the replay starts (not those that arrive during it, such
 * as a poison message failing again) back to the requests topic, `dlq-*` headers dropped,
 * committing as it goes. Resolves with how many messages were replayed.
 */
export async function replayDeadLetters({
  kafka,
  from,
  to,
  groupId,
  timeoutMs = 30_000,
}: ReplayOptions): Promise<number> {
  const admin = kafka.admin();
  const producer = createProducer(kafka);
  const consumer = kafka.consumer({ groupId });
  await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
  const remaining = new Map<number, bigint>(); // partition → end offset at start (exclusive)
  let replayed = 0;
  try {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(from),
      admin.fetchOffsets({ groupId, topics: [from] }),
    ]);
    for (const end of ends) {
      const start = BigInt(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1');
      const from_ = start < 0n ? BigInt(end.low) : start;
      if (BigInt(end.high) > from_) remaining.set(end.partition, BigInt(end.high));
    }
    if (remaining.size === 0) return 0;
    await consumer.subscribe({ topics: [from], fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const end = remaining.get(partition);
          if (end === undefined || BigInt(message.offset) >= end) return;
          const headers = Object.fromEntries(
            Object.entries(message.headers ?? {}).filter(([name]) => !name.startsWith('dlq-')),
          );
          await producer.send({
            topic: to,
            acks: ACKS_ALL,
            messages: [{ key: message.key, value: message.value, headers }],
          });
          replayed += 1;
          if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        },
      });
    });
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  } finally {
    await consumer.disconnect();
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
  }
  return replayed;
}
