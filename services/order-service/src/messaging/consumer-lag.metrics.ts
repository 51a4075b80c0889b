import type { Admin } from 'kafkajs';
import { Gauge, type Registry } from '@ecom/service-kit/metrics';

/** Consumer lag per partition (end offset minus the group's committed offset), read at scrape time. */
export function registerConsumerLag(registry: Registry, admin: Admin, groupId: string, topic: string): void {
  new Gauge({
    name: 'kafka_consumer_lag',
    help: 'Messages not yet consumed by the group, per partition',
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      const lag = await readConsumerLag(admin, groupId, topic).catch(() => []);
      for (const { partition, lag: value } of lag) this.set({ topic, partition: String(partition) }, value);
    },
  });
}

export async function readConsumerLag(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<{ partition: number; lag: number }[]> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  return ends.map((end) => {
    const position = committed?.partitions.find((partition) => partition.partition === end.partition)?.offset ?? '-1';
    const consumed = Number(position) < 0 ? Number(end.low) : Number(position);
    return { partition: end.partition, lag: Math.max(0, Number(end.high) - consumed) };
  });
}
