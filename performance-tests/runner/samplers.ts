/**
 * What the runner watches while k6 drives the load: the order worker's consumer lag (and how fast
 * it consumes) from Kafka's own offsets, each service's resident memory from its /metrics, and
 * each service process's CPU (/proc), event-loop lag and, for the worker, its end-to-end histogram.
 */
import { createLogger } from '@ecom/service-kit/logging';
import { createKafka } from '@ecom/service-kit/kafka';
import { readConsumerLag } from '@ecom/order-service/bench';
import type { SeriesPoint } from '../report/result.schema';
import { TICKS_PER_SECOND, cpuTicksOf } from './machine-load';

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
  let stopped: Promise<void> | undefined;
  const loop = (async () => {
    while (running) {
      const next = Date.now() + everyMs;
      points.push(...(await sample().catch(() => [])));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
  })();
  return {
    points,
    // Once, however often it is asked (the run's end, and its finally).
    stop: () =>
      (stopped ??= (async () => {
        running = false;
        await loop;
        await close();
      })()),
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

/** The lag sampler's period: a drain shorter than this is below what it can tell. */
export const LAG_RESOLUTION_S = 1;

/**
 * Seconds from `fromS` until the lag was back at 0, and whether that is below the sampler's
 * resolution (the first sample after `fromS` already read 0: the drain took less than one period).
 */
export function drainOf(
  points: readonly SeriesPoint[],
  fromS: number,
): { seconds: number; belowResolution: boolean } | undefined {
  const after = points.filter((p) => p.series === 'order-requests lag' && p.t >= fromS);
  const seconds = drainSeconds(points, fromS);
  return seconds === undefined ? undefined : { seconds, belowResolution: after[0]?.value === 0 };
}

/** e.g. '3.2 s', or '< 1 s, the sampler's resolution'. */
export function describeDrain(drainS: number, belowResolution: boolean | undefined): string {
  return belowResolution ? `< ${LAG_RESOLUTION_S} s, the sampler's resolution` : `${drainS} s`;
}

/** A Prometheus histogram at one moment: cumulative counts per upper bound (seconds; the last is +Inf). */
export interface HistogramSnapshot {
  readonly bounds: readonly number[];
  readonly cumulative: readonly number[];
}

/** One reading of one service process. */
export interface ProcessReading {
  readonly t: number;
  readonly name: string;
  readonly pid: number;
  /** User + system CPU so far, milliseconds. */
  readonly cpuMs?: number;
  readonly loopLagP99Ms?: number;
  /** The worker only: order_async_end_to_end_seconds. */
  readonly endToEnd?: HistogramSnapshot;
}

export interface ProcessSampler extends Sampler {
  readonly readings: ProcessReading[];
}

export interface SampledProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
}

/**
 * Every `everyMs`: each process's CPU from /proc/<pid>/stat and its /metrics (event-loop lag p99,
 * prom-client's, reset at each scrape; the worker's end-to-end histogram). `points` holds the
 * series: '<name> CPU %' (of one core, since the previous reading) and '<name> event-loop p99 ms'.
 */
export function sampleProcesses(
  processes: () => readonly SampledProcess[],
  startedAt: number,
  everyMs = 1_000,
): ProcessSampler {
  const readings: ProcessReading[] = [];
  const sampler = sampleEvery(everyMs, async () => {
    const t = Math.round((Date.now() - startedAt) / 100) / 10;
    const now = await Promise.all(processes().map((p) => readProcess(p, t).catch(() => undefined)));
    const points: SeriesPoint[] = [];
    for (const reading of now) {
      if (!reading) continue;
      const previous = readings.findLast((r) => r.name === reading.name);
      readings.push(reading);
      const cpu = cpuPercent(previous, reading);
      if (cpu !== undefined) points.push({ t, value: cpu, series: `${reading.name} CPU %` });
      if (reading.loopLagP99Ms !== undefined)
        points.push({ t, value: reading.loopLagP99Ms, series: `${reading.name} event-loop p99 ms` });
    }
    return points;
  });
  return { ...sampler, readings };
}

async function readProcess({ name, url, pid }: SampledProcess, t: number): Promise<ProcessReading> {
  const ticks = cpuTicksOf(pid);
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(900) })).text().catch(() => '');
  const lag = gaugeOf(text, 'nodejs_eventloop_lag_p99_seconds');
  const endToEnd = histogramOf(text, 'order_async_end_to_end_seconds');
  return {
    t,
    name,
    pid,
    ...(ticks !== undefined && { cpuMs: (ticks * 1000) / TICKS_PER_SECOND }),
    ...(lag !== undefined && { loopLagP99Ms: Math.round(lag * 1e4) / 10 }),
    ...(endToEnd && { endToEnd }),
  };
}

function cpuPercent(previous: ProcessReading | undefined, reading: ProcessReading): number | undefined {
  if (previous?.cpuMs === undefined || reading.cpuMs === undefined || previous.pid !== reading.pid) return undefined;
  const ms = (reading.t - previous.t) * 1000;
  return ms > 0 ? Math.round(((reading.cpuMs - previous.cpuMs) / ms) * 1000) / 10 : undefined;
}

/** A gauge's value in Prometheus text (its first series), or undefined. */
export function gaugeOf(text: string, name: string): number | undefined {
  const value = Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1]);
  return Number.isFinite(value) ? value : undefined;
}

/** A histogram's cumulative buckets in Prometheus text (summed over label sets), or undefined. */
export function histogramOf(text: string, name: string): HistogramSnapshot | undefined {
  const byBound = new Map<number, number>();
  const bucket = new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)`, 'gm');
  for (const [, le, value] of text.matchAll(bucket)) {
    const bound = le === '+Inf' ? Infinity : Number(le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + Number(value));
  }
  if (byBound.size === 0) return undefined;
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  return { bounds, cumulative: bounds.map((bound) => byBound.get(bound)!) };
}

/** `after` minus `before`, bucket by bucket; `after` alone when the process restarted in between (counts fell). */
export function histogramDelta(before: HistogramSnapshot | undefined, after: HistogramSnapshot): HistogramSnapshot {
  const restarted = !before || before.cumulative.some((n, i) => n > (after.cumulative[i] ?? 0));
  if (restarted) return after;
  return { bounds: after.bounds, cumulative: after.cumulative.map((n, i) => n - (before.cumulative[i] ?? 0)) };
}

/** The `q` quantile of a histogram, as the upper bound of the bucket it falls in (ms); null above the last finite one. */
export function bucketQuantileMs(histogram: HistogramSnapshot, q: number): number | null | undefined {
  const total = histogram.cumulative.at(-1) ?? 0;
  if (total === 0) return undefined;
  const index = histogram.cumulative.findIndex((n) => n >= q * total);
  const bound = histogram.bounds[index];
  return bound === undefined || bound === Infinity ? null : Math.round(bound * 1000 * 100) / 100;
}
