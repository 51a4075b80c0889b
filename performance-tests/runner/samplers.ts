/**
 * What the runner watches while k6 drives the load: the order worker's consumer lag (and how fast
 * it consumes) from Kafka's own offsets, and each service's resident memory from its /metrics.
 */
import { createLogger } from '@ecom/service-kit/logging';
import { createKafka } from '@ecom/service-kit/kafka';
import { readConsumerLag } from '@ecom/order-service/bench';
import type { SeriesPoint } from '../report/result.schema';

export interface Sampler {
  readonly points: SeriesPoint[];
  stop(): Promise<void>;
}

/** Samples `sample` every `everyMs` until stopped; a failed sample is skipped, not fatal. */
function sampleEvery(
  everyMs: number,
  sample: () => Promise<SeriesPoint[]>,
  close: () => Promise<void> = async () => {},
): Sampler {
  const points: SeriesPoint[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const next = Date.now() + everyMs;
      points.push(...(await sample().catch(() => [])));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
  })();
  return {
    points,
    stop: async () => {
      running = false;
      await loop;
      await close();
    },
  };
}

/** Lag of `group` on `topic` (messages), and messages consumed per second, every second. */
export async function sampleConsumerLag(brokers: readonly string[], group: string, topic: string, startedAt: number) {
  const admin = createKafka({
    clientId: 'perf-lag',
    brokers,
    logger: createLogger({ service: 'perf', level: 'silent' }),
  }).admin();
  await admin.connect();
  let previous: { at: number; consumed: number } | undefined;
  return sampleEvery(
    1_000,
    async () => {
      const [lag, committed] = await Promise.all([
        readConsumerLag(admin, group, topic),
        committedTotal(admin, group, topic),
      ]);
      const at = Date.now();
      const t = Math.round((at - startedAt) / 100) / 10;
      const points: SeriesPoint[] = [
        { t, value: lag.reduce((sum, p) => sum + p.lag, 0), series: 'order-requests lag' },
      ];
      if (previous)
        points.push({
          t,
          value: Math.round(((committed - previous.consumed) * 1000) / (at - previous.at)),
          series: 'worker consumed/s',
        });
      previous = { at, consumed: committed };
      return points;
    },
    () => admin.disconnect(),
  );
}

async function committedTotal(
  admin: ReturnType<ReturnType<typeof createKafka>['admin']>,
  group: string,
  topic: string,
) {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** Resident memory (MiB) of each service, from prom-client's process_resident_memory_bytes. */
export function sampleMemory(
  services: () => readonly { name: string; url: string }[],
  startedAt: number,
  everyMs = 5_000,
) {
  return sampleEvery(everyMs, async () => {
    const t = Math.round((Date.now() - startedAt) / 100) / 10;
    const readings = await Promise.all(
      services().map(async ({ name, url }) => {
        const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
        const bytes = Number(/^process_resident_memory_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1]);
        return Number.isFinite(bytes) ? [{ t, value: Math.round(bytes / 1048576), series: `${name} RSS MiB` }] : [];
      }),
    );
    return readings.flat();
  });
}

/** Seconds from `fromS` until the lag series is back at 0 (undefined when it never is). */
export function drainSeconds(points: readonly SeriesPoint[], fromS: number): number | undefined {
  const after = points.filter((p) => p.series === 'order-requests lag' && p.t >= fromS);
  const zero = after.find((p) => p.value === 0);
  return zero === undefined ? undefined : Math.round((zero.t - fromS) * 10) / 10;
}
