/**
 * The plan of an ECS scaling experiment (`npm run aws -- loadtest --tier …`), as pure functions:
 * which tier moves and what the others are set to, which modes a tier is measured in, the ladder
 * of offered rates each point's k6 task steps through, the k6 task's environment, and the names of
 * the points' result folders. The experiment itself (scaling-experiment.ts) only runs this plan.
 */
import { K6_STEPS_FILE, type PointMode } from '@ecom/performance-tests/ecs-runs';
import type { EcsServiceName } from './stacks';

export const SCALED_TIERS = ['order-worker', 'order-service', 'product-service'] as const;
export type ScaledTier = (typeof SCALED_TIERS)[number];

/**
 * What one point measures. sync: sync capacity; async: async acceptance capacity (202 once Kafka
 * has the order); sustained: the async rate whose orders the worker also places in time.
 */
export type { PointMode };

/** The modes each tier serves, so the modes its scaling is measured in. */
export const MODES_OF_TIER: Readonly<Record<ScaledTier, readonly PointMode[]>> = {
  'order-service': ['sync', 'async'],
  'product-service': ['sync'],
  'order-worker': ['sustained'],
};

/** The order endpoint of each mode (lib/config.js `MODES`): sustained sends async orders and follows a sample. */
const K6_MODE: Readonly<Record<PointMode, 'sync' | 'async'>> = { sync: 'sync', async: 'async', sustained: 'async' };

/** The rates (orders/s) of the one k6 task that finds a mode's single-instance capacity when none is given. */
export const PROBE_RATES: readonly number[] = [25, 50, 100, 200, 400, 800, 1600];

/**
 * A point's ladder, as shares of N × the single-instance capacity: from a quarter of the expected
 * capacity up to N × X(1), and 25 % beyond it, so that X(1) itself is not capped by the ladder's top
 * (a ladder ending exactly at N × X(1) could only confirm the probe's figure).
 */
export const LADDER_FRACTIONS: readonly number[] = [0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25];

/** Where the k6 container writes its per-step summary (lib/summary.js); upload-results copies /results/. */
const K6_RESULTS_DIR = '/results';

export interface ExperimentSettings {
  readonly tier: ScaledTier;
  /** Instance counts of the scaled tier, in the order measured. */
  readonly instanceCounts: readonly number[];
  readonly repeats: number;
  /** The count of every other tier (the gateway included); the worker at most `partitions`. */
  readonly others: number;
  /** X(1) per mode when known (`--single-capacity`); the others are probed at N = 1 first. */
  readonly singleCapacity: Readonly<Partial<Record<PointMode, number>>>;
  readonly stepSeconds: number;
  readonly gapSeconds: number;
  /** Share of a sustained step's async orders followed to their final status (E2E_SAMPLE). */
  readonly e2eSample: number;
}

/**
 * The desired count of every service at one point: the scaled tier at `n`, every other tier at
 * `others`. The gateway is never the scaled tier: it is kept at `others` (over-provisioned) in
 * every experiment, so that X(N) of the order service is not the gateway's. The worker, when it is
 * not the scaled tier, gets `others` but at most the partitions of order-requests.
 */
export function desiredCounts(
  settings: Pick<ExperimentSettings, 'tier' | 'others'>,
  n: number,
  partitions: number,
): Record<EcsServiceName, number> {
  const countOf = (tier: ScaledTier) => (settings.tier === tier ? n : settings.others);
  return {
    gateway: settings.others,
    'product-service': countOf('product-service'),
    'order-service': countOf('order-service'),
    'order-worker': settings.tier === 'order-worker' ? n : Math.min(settings.others, partitions),
  };
}

/** The offered rates of a point at `n` instances: LADDER_FRACTIONS of n × X(1), whole, rising, no repeats. */
export function ladderRates(singleCapacity: number, n: number): number[] {
  const rates = LADDER_FRACTIONS.map((share) => Math.max(1, Math.round(share * n * singleCapacity)));
  return [...new Set(rates)].sort((a, b) => a - b);
}

/** The k6 container's environment for one stepped run of `mode` over `rates` (see performance-tests/k6/lib/config.js). */
export function k6Environment(
  mode: PointMode,
  rates: readonly number[],
  settings: Pick<ExperimentSettings, 'stepSeconds' | 'gapSeconds' | 'e2eSample'>,
  baseUrl: string,
): Record<string, string> {
  return {
    SCENARIO: 'capacity',
    BASE_URL: baseUrl,
    MODES: K6_MODE[mode],
    RATES: rates.join(','),
    STEP_SECONDS: String(settings.stepSeconds),
    GAP_SECONDS: String(settings.gapSeconds),
    // Following orders costs GETs on the order service: only where the end-to-end latency is the measure.
    E2E_SAMPLE: mode === 'sustained' ? String(settings.e2eSample) : '0',
    SUMMARY_PATH: `${K6_RESULTS_DIR}/${K6_STEPS_FILE}`,
  };
}

export const pointName = (tier: ScaledTier, mode: PointMode, n: number, repeat: number) =>
  `${tier}-${mode}-${n}x-r${repeat}`;
export const probeName = (tier: ScaledTier, mode: PointMode) => `${tier}-${mode}-1x-probe`;

/** Every point in the order it runs: per count (one scaling each), per mode, the repeats back to back. */
export function pointsOf(settings: ExperimentSettings): { n: number; mode: PointMode; repeat: number }[] {
  return settings.instanceCounts.flatMap((n) =>
    MODES_OF_TIER[settings.tier].flatMap((mode) =>
      Array.from({ length: settings.repeats }, (_, index) => ({ n, mode, repeat: index + 1 })),
    ),
  );
}

/** Assumed wall-clock cost of starting one Fargate task and k6's setup, and of one change of counts. */
const TASK_OVERHEAD_S = 120;
const SCALING_S = 180;

/** A rough duration of the whole experiment, for the announcement before it starts. */
export function estimateSeconds(settings: ExperimentSettings): number {
  const perTask = (steps: number) => TASK_OVERHEAD_S + steps * (settings.stepSeconds + settings.gapSeconds);
  const probes = MODES_OF_TIER[settings.tier].filter((mode) => settings.singleCapacity[mode] === undefined);
  const probing = probes.length > 0 ? SCALING_S + probes.length * perTask(PROBE_RATES.length) : 0;
  const points = pointsOf(settings).length * perTask(LADDER_FRACTIONS.length);
  return probing + settings.instanceCounts.length * SCALING_S + points;
}
