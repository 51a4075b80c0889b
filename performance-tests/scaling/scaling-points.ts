/**
 * One point of a scaling series: N replicas running, the mode's throughput measured, with CPU per
 * order per process kind. Capacity: capacity-search.ts after a short warm-up (new replicas are
 * cold), starting near 0.6 × N × X(1) so that the doubling brackets the capacity in one or two
 * probes. Drain: replica-drain.ts.
 */
import { WORKER_SESSION_TIMEOUT_MS } from '@ecom/order-service/config';
import type { DatabaseSettings } from '@ecom/service-kit/db';
import type { StepResult } from '../report/result.schema';
import { searchCapacity, type ProbeObserver, type Search, type SearchSettings } from '../runner/capacity-search';
import { DEFAULT_SLO, type Slo } from '../runner/result-builder';
import { runK6Step, type RunContext } from '../runner/run-context';
import { startCpuMeter } from './point-cpu';
import {
  describeLimit,
  limitRecord,
  openLimitWindow,
  type LimitReading,
  type LimitWindow,
  type TierUnderQuota,
} from './point-limit';
import { measureReplicaDrain } from './replica-drain';
import { startRowLockMeter } from './row-locks';
import type { ScalingSettings, SeriesPlan } from './scaling-plan';
import type { PointLimitRecord, RowLocksRecord, ScalingPointRecord } from './scaling-summary.schema';
import type { TierReplicas } from './tier-replicas';

const QUOTA_SETTLE_SECONDS = 4;

export interface PointRequest {
  /** k6 aimed at the replicas, ordering from the series' data set. */
  readonly ctx: RunContext;
  readonly plan: SeriesPlan;
  readonly n: number;
  readonly s: ScalingSettings;
  readonly replicas: TierReplicas;
  /** Every probe's step, for result.json. */
  readonly steps: StepResult[];
  /** X(1) of the series, once measured. */
  readonly single: number | undefined;
  /** Cores per replica under the quota (null: no quota could be set). */
  readonly cores: number | null;
  /** The account row-locks.ts lists waiting transactions with (null: counters only). */
  readonly lockMonitor: DatabaseSettings | null;
}

export async function measureCapacityPoint(request: PointRequest): Promise<ScalingPointRecord> {
  const { ctx, plan, n, s, replicas, steps, single, cores, lockMonitor } = request;
  const mode = plan.mode === 'sync' ? 'sync' : 'async';
  const startRate =
    single === undefined ? s.startRate[mode] : Math.max(s.startRate[mode], Math.round(0.6 * n * single));
  const name = `${plan.dataset === 'default' ? '' : `${plan.dataset}-`}${plan.tier}-${n}x-${mode}`;
  await warmUnderQuota(ctx, replicas, name, { mode, rate: startRate, seconds: s.warmupSeconds });
  const meter = await startCpuMeter(ctx.system!, replicas.processes);
  const rowLocks = await startRowLockMeter(ctx.system!.databases.order, lockMonitor);
  const limits = limitObserver(tierUnderQuota(replicas, cores));
  let search: Search;
  try {
    const target = { name, k6Mode: mode, slo: scaledSlo(cores), e2eSample: 0 };
    search = await searchCapacity(ctx, target, searchSettingsOf(s, startRate), steps, limits.observer);
  } catch (error) {
    await rowLocks.stop();
    throw error;
  }
  const success = mode === 'sync' ? '201' : '202';
  const orders = search.probes.reduce((sum, probe) => sum + (probe.statuses?.[success] ?? 0), 0);
  const cpu = meter.read(orders);
  const locks = await rowLocks.read(orders);
  const limit = limits.atLowestMiss(search.maxRps);
  ctx.say(
    `${name}: CPU ms per order ${describeCpu(cpu.perOrder)}; ${describeRowLocks(locks)}; limit ${describeLimit(limit)}`,
  );
  return {
    n,
    runs: [search.maxRps],
    cpu_ms_per_order: cpu.perOrder,
    idle_cpu_ms_per_s: cpu.idlePerSecond,
    row_locks: locks,
    detail: describeSearch(search),
    limit,
  };
}

/**
 * Warms the replicas without their quotas, then puts them under them and runs a few seconds more,
 * unrecorded, so the first measured probe is not the change (see TierReplicas.applyQuotas).
 */
async function warmUnderQuota(
  ctx: RunContext,
  replicas: TierReplicas,
  name: string,
  { mode, rate, seconds }: { mode: string; rate: number; seconds: number },
): Promise<void> {
  if (seconds > 0) await runK6Step(ctx, `warm-up-${name}`, k6StepEnv(mode, rate, seconds), false);
  replicas.applyQuotas();
  await runK6Step(ctx, `settle-${name}`, k6StepEnv(mode, rate / 2, QUOTA_SETTLE_SECONDS), false);
}

function searchSettingsOf(s: ScalingSettings, startRate: number): SearchSettings {
  return {
    startRate,
    maxRate: 20_000,
    bisections: s.bisections,
    probeSeconds: s.probeSeconds,
    minRequests: s.probeRequests,
    confirmFirstMiss: true,
    confirmClearFirstMiss: true,
  };
}

/** The scaled tier's processes and quota, for point-limit.ts (a replica without a quota counts as a whole core). */
function tierUnderQuota(replicas: TierReplicas, cores: number | null): TierUnderQuota {
  return {
    pids: replicas.replicas.map((replica) => replica.process.pid),
    quotas: replicas.quotas,
    quotaCores: replicas.replicas.length * (cores ?? 1),
  };
}

/**
 * Reads every probe's limit window, and gives the one of the last probe at the lowest rate above
 * the capacity (a rate that missed once and then held is not where the point broke).
 */
function limitObserver(tier: TierUnderQuota): {
  observer: ProbeObserver;
  atLowestMiss(capacity: number): PointLimitRecord | null;
} {
  const readings: { rate: number; held: boolean; reading: LimitReading }[] = [];
  let window: LimitWindow | undefined;
  return {
    observer: {
      started: () => {
        window = openLimitWindow(tier);
      },
      ended: (rate, held, span) => {
        if (window) readings.push({ rate, held, reading: window.close(span) });
        window = undefined;
      },
    },
    atLowestMiss: (capacity) => {
      const missed = readings.filter((entry) => !entry.held && entry.rate > capacity);
      const lowest = Math.min(...missed.map((entry) => entry.rate));
      const last = missed.filter((entry) => entry.rate === lowest).at(-1);
      return last ? limitRecord(last.reading, last.rate) : null;
    },
  };
}

/** e.g. "7 probes; held 84/s (p99 71 ms); lowest missed 96/s". */
function describeSearch(search: Search): string {
  const missed = search.probes.filter((probe) => probe.offeredRps > search.maxRps).map((probe) => probe.offeredRps);
  // The last probe at the capacity is the one that held (an earlier one may have missed and been repeated).
  const held = [...search.probes].reverse().find((probe) => probe.offeredRps === search.maxRps);
  return [
    `${search.probes.length} probes`,
    `held ${search.maxRps}/s${held?.latencyMs ? ` (p99 ${Math.round(held.latencyMs.p99)} ms)` : ''}`,
    `lowest missed ${missed.length > 0 ? `${Math.min(...missed)}/s` : 'none'}`,
  ].join('; ');
}

export async function measureDrainPoint({
  ctx,
  n,
  s,
  replicas,
  cores,
  lockMonitor,
}: PointRequest): Promise<ScalingPointRecord> {
  const drain = await measureReplicaDrain(ctx, replicas, s.drainOrders, tierUnderQuota(replicas, cores), lockMonitor);
  const late = drain.sendSeconds * 1000 > WORKER_SESSION_TIMEOUT_MS * 0.8;
  const placed = `${drain.placed} placed in ${drain.seconds.toFixed(2)} s`;
  const limit = limitRecord(drain.limit, null);
  ctx.say(
    `drain × ${n}: ${placed} → ${drain.perSecond}/s (burst sent in ${drain.sendSeconds.toFixed(1)} s); CPU ms per order ${describeCpu(drain.cpu.perOrder)}; ${describeRowLocks(drain.rowLocks)}; limit ${describeLimit(limit)}`,
  );
  return {
    n,
    runs: [drain.perSecond],
    cpu_ms_per_order: drain.cpu.perOrder,
    idle_cpu_ms_per_s: drain.cpu.idlePerSecond,
    row_locks: drain.rowLocks,
    limit,
    detail: `${placed}; burst sent in ${drain.sendSeconds.toFixed(1)} s${late ? ' (near the session timeout: a rebalance may be inside)' : ''}`,
  };
}

/**
 * The SLO for a replica limited to `cores`: its p99 bound divided by the share. A quota makes a
 * process 1 / share times slower (every ms of CPU, and every GC pause, takes that much longer);
 * scaling the latency bound alike keeps each point at the load the SLO means on a whole core, so
 * that X(N) counts orders, not stretched pauses. Errors and dropped iterations keep their bounds.
 */
export function scaledSlo(cores: number | null): Slo {
  if (cores === null || cores >= 1) return DEFAULT_SLO;
  return Object.freeze({ ...DEFAULT_SLO, p99Ms: Math.round(DEFAULT_SLO.p99Ms / cores) });
}

/** e.g. "row-lock wait per order: product rows 0.4 ms, every wait 12.3 ms". */
function describeRowLocks(locks: RowLocksRecord | null): string {
  if (!locks) return 'row-lock wait: no order';
  const products = locks.product_wait_ms_per_order === null ? 'not sampled' : `${locks.product_wait_ms_per_order} ms`;
  return `row-lock wait per order: product rows ${products}, every wait ${locks.wait_ms_per_order} ms`;
}

function describeCpu(perOrder: Readonly<Record<string, number>>): string {
  return Object.entries(perOrder)
    .map(([kind, ms]) => `${kind} ${ms}`)
    .join(', ');
}

/** One unrecorded k6 step of `mode` at `rate` (a warm-up, or the run that seeds a data set). */
export function k6StepEnv(mode: string, rate: number, seconds: number): Record<string, string> {
  return {
    SCENARIO: 'capacity',
    MODES: mode,
    RATES: String(Math.max(1, Math.round(rate))),
    STEP_SECONDS: String(seconds),
    GAP_SECONDS: '0',
    E2E_SAMPLE: '0',
  };
}
