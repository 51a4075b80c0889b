/**
 * What a scaling run measures, from its settings (environment variables, all named SCALING_*):
 * the series (tier/mode, and the hot variant's), the replica counts, the CPU quota per replica,
 * the capacity search's probes; and the order the series run in.
 */
import { TOPICS } from '@ecom/service-kit/kafka';
import { z } from 'zod';
import type { ScalingMode, ScalingTier } from './scaling-summary.schema';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => (value === '' ? fallback : value))
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '' && entry !== 'none'),
    );
const counts = (fallback: string) =>
  list(fallback).pipe(z.array(z.string().transform(Number).pipe(z.number().int().positive())));
const positive = (fallback: number) => z.coerce.number().positive().default(fallback);
const whole = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The SCALING_* environment, every problem reported at once (an empty value means the default). */
const settingsSchema = z
  .object({
    SCALING_SERIES: list('order-worker/drain,product-service/sync,order-service/sync,order-service/async'),
    SCALING_HOT_SERIES: list('order-service/sync,order-worker/drain'),
    SCALING_WORKER_COUNTS: counts('1,2,3,6'),
    SCALING_SERVICE_COUNTS: counts('1,2,3'),
    SCALING_WORKER_CORES: positive(0.12),
    SCALING_ORDER_SERVICE_CORES: positive(0.12),
    SCALING_PRODUCT_SERVICE_CORES: positive(0.12),
    SCALING_PERIOD_US: whole(10_000),
    SCALING_PROBE_SECONDS: whole(8),
    SCALING_PROBE_REQUESTS: whole(300),
    SCALING_BISECTIONS: whole(3),
    SCALING_SYNC_START_RATE: whole(16),
    SCALING_ASYNC_START_RATE: whole(100),
    SCALING_DRAIN_ORDERS: whole(5_000),
    SCALING_WARMUP_SECONDS: z.coerce.number().int().nonnegative().default(8),
    // Strict: a misspelt or retired SCALING_* name (SCALING_SERVICE_CORES became one per service) is an error, not ignored.
  })
  .strict();

export function scalingSettings(environment: NodeJS.ProcessEnv = process.env) {
  const given = Object.fromEntries(
    Object.entries(environment).filter(([name, value]) => name.startsWith('SCALING_') && value !== ''),
  );
  const parsed = settingsSchema.safeParse(given);
  if (!parsed.success) throw new Error(`the scaling settings are wrong:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  return Object.freeze({
    series: e.SCALING_SERIES,
    hotSeries: e.SCALING_HOT_SERIES,
    workerCounts: e.SCALING_WORKER_COUNTS,
    serviceCounts: e.SCALING_SERVICE_COUNTS,
    /**
     * Cores per replica of the scaled tier, sized so that the largest N of each series still runs
     * out of its quota before the two cores run out (everything else a sync order needs, MariaDB,
     * the gateway, the other service, and k6, takes about three times the scaled service's CPU):
     * a point the machine limits measures the machine, and point-limit.ts says which did. One
     * setting per service, as the two cost differently per order; measured, 0.15 core per order
     * service left three replicas limited by the machine.
     */
    cores: {
      'order-worker': e.SCALING_WORKER_CORES,
      'order-service': e.SCALING_ORDER_SERVICE_CORES,
      'product-service': e.SCALING_PRODUCT_SERVICE_CORES,
    } satisfies Record<ScalingTier, number>,
    periodUs: e.SCALING_PERIOD_US,
    probeSeconds: e.SCALING_PROBE_SECONDS,
    /** A probe at a low rate lasts long enough for this many requests (up to 30 s). */
    probeRequests: e.SCALING_PROBE_REQUESTS,
    bisections: e.SCALING_BISECTIONS,
    startRate: { sync: e.SCALING_SYNC_START_RATE, async: e.SCALING_ASYNC_START_RATE },
    drainOrders: e.SCALING_DRAIN_ORDERS,
    warmupSeconds: e.SCALING_WARMUP_SECONDS,
  });
}
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

/** No more workers than partitions (an extra worker would sit idle); the schema has made the counts whole. */
function assertCounts(s: ScalingSettings): void {
  const partitions = TOPICS.orderRequests.partitions;
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
