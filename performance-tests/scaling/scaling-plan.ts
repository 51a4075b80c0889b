/**
 * What a scaling run measures, from its settings (environment variables, all named SCALING_*):
 * the series (tier/mode, and the hot variant's), the replica counts, the CPU quota per replica,
 * the capacity search's probes; and the order the series run in.
 */
import { TOPICS } from '@ecom/service-kit/kafka';
import { env } from '../runner/run-context';
import type { ScalingMode, ScalingTier } from './scaling-summary.schema';

const list = (name: string, fallback: string) =>
  env(name, fallback)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && entry !== 'none');

export const scalingSettings = () => ({
  series: list('SCALING_SERIES', 'order-worker/drain,product-service/sync,order-service/sync,order-service/async'),
  hotSeries: list('SCALING_HOT_SERIES', 'order-service/sync,order-worker/drain'),
  workerCounts: list('SCALING_WORKER_COUNTS', '1,2,3,6').map(Number),
  serviceCounts: list('SCALING_SERVICE_COUNTS', '1,2,3').map(Number),
  /**
   * Cores per replica of the scaled tier. The services' share is larger than the worker's: a sync
   * order's few ms of CPU in one service, stretched by 1 / share under the quota, must still fit
   * the SLO's 100 ms at p99; the worker's drain has no latency bound.
   */
  cores: {
    'order-worker': Number(env('SCALING_WORKER_CORES', '0.15')),
    'order-service': Number(env('SCALING_SERVICE_CORES', '0.25')),
    'product-service': Number(env('SCALING_SERVICE_CORES', '0.25')),
  } satisfies Record<ScalingTier, number>,
  periodUs: Number(env('SCALING_PERIOD_US', '10000')),
  probeSeconds: Number(env('SCALING_PROBE_SECONDS', '8')),
  /** A probe at a low rate lasts long enough for this many requests (up to 30 s). */
  probeRequests: Number(env('SCALING_PROBE_REQUESTS', '300')),
  bisections: Number(env('SCALING_BISECTIONS', '3')),
  startRate: {
    sync: Number(env('SCALING_SYNC_START_RATE', '10')),
    async: Number(env('SCALING_ASYNC_START_RATE', '100')),
  },
  drainOrders: Number(env('SCALING_DRAIN_ORDERS', '5000')),
  warmupSeconds: Number(env('SCALING_WARMUP_SECONDS', '8')),
});
export type ScalingSettings = ReturnType<typeof scalingSettings>;

export type ScalingDataset = 'default' | 'hot';

export interface SeriesPlan {
  readonly tier: ScalingTier;
  readonly mode: ScalingMode;
  readonly dataset: ScalingDataset;
  readonly counts: readonly number[];
}

const SERVED: Readonly<Record<ScalingTier, readonly ScalingMode[]>> = {
  'order-worker': ['drain'],
  'order-service': ['sync', 'async'],
  'product-service': ['sync'],
};

/**
 * The series in the order they run: drains first (they need the worker), then sync, then async
 * acceptance, whose probes leave a backlog the stopped worker never takes (it would distort any
 * drain measured after it).
 */
export function planSeries(s: ScalingSettings): SeriesPlan[] {
  const parse = (entry: string, dataset: ScalingDataset): SeriesPlan => {
    const [tier, mode] = entry.split('/') as [ScalingTier, ScalingMode];
    if (!SERVED[tier]?.includes(mode))
      throw new Error(`scaling series ${entry}: tier/mode is one of ${describeServed()}`);
    return { tier, mode, dataset, counts: tier === 'order-worker' ? s.workerCounts : s.serviceCounts };
  };
  assertCounts(s);
  const plans = [
    ...s.series.map((entry) => parse(entry, 'default')),
    ...s.hotSeries.map((entry) => parse(entry, 'hot')),
  ];
  const rank = (plan: SeriesPlan) => ['drain', 'sync', 'async'].indexOf(plan.mode);
  return plans.sort((a, b) => rank(a) - rank(b));
}

/** Whole counts from 1, and no more workers than partitions (an extra worker would sit idle). */
function assertCounts(s: ScalingSettings): void {
  const partitions = TOPICS.orderRequests.partitions;
  for (const n of [...s.workerCounts, ...s.serviceCounts])
    if (!Number.isInteger(n) || n < 1) throw new Error(`scaling counts are whole numbers from 1, got ${n}`);
  const most = Math.max(...s.workerCounts);
  if (most > partitions)
    throw new Error(
      `SCALING_WORKER_COUNTS goes to ${most} workers, but ${TOPICS.orderRequests.name} has ${partitions} partitions: the extra workers would get none`,
    );
}

function describeServed(): string {
  return Object.entries(SERVED)
    .flatMap(([tier, modes]) => modes.map((mode) => `${tier}/${mode}`))
    .join(', ');
}
