/**
 * One point of a scaling series: N replicas running, the mode's throughput measured, with CPU per
 * order per process kind. Capacity: capacity-search.ts after a short warm-up (new replicas are
 * cold), starting near 0.6 × N × X(1) so that the doubling brackets the capacity in one or two
 * probes. Drain: replica-drain.ts.
 */
import { WORKER_SESSION_TIMEOUT_MS } from '@ecom/order-service/config';
import type { StepResult } from '../report/result.schema';
import { searchCapacity, type Search } from '../runner/capacity-search';
import { DEFAULT_SLO, type Slo } from '../runner/result-builder';
import { runK6Step, type RunContext } from '../runner/run-context';
import { startCpuMeter } from './point-cpu';
import { measureReplicaDrain } from './replica-drain';
import type { ScalingSettings, SeriesPlan } from './scaling-plan';
import type { ScalingPointRecord } from './scaling-summary.schema';
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
}

export async function measureCapacityPoint({
  ctx,
  plan,
  n,
  s,
  replicas,
  steps,
  single,
  cores,
}: PointRequest): Promise<ScalingPointRecord> {
  const mode = plan.mode === 'sync' ? 'sync' : 'async';
  const startRate =
    single === undefined ? s.startRate[mode] : Math.max(s.startRate[mode], Math.round(0.6 * n * single));
  const name = `${plan.dataset === 'default' ? '' : `${plan.dataset}-`}${plan.tier}-${n}x-${mode}`;
  // Warm without the quotas, then measure under them (see TierReplicas.applyQuotas).
  if (s.warmupSeconds > 0) await runK6Step(ctx, `warm-up-${name}`, k6StepEnv(mode, startRate, s.warmupSeconds), false);
  replicas.applyQuotas();
  // A few seconds under the quota, unrecorded: the first measured probe is then not the change.
  await runK6Step(ctx, `settle-${name}`, k6StepEnv(mode, startRate / 2, QUOTA_SETTLE_SECONDS), false);
  const meter = await startCpuMeter(ctx.system!, replicas.processes);
  const search = await searchCapacity(
    ctx,
    { name, k6Mode: mode, slo: scaledSlo(cores), e2eSample: 0 },
    {
      startRate,
      maxRate: 20_000,
      bisections: s.bisections,
      probeSeconds: s.probeSeconds,
      minRequests: s.probeRequests,
      confirmFirstMiss: true,
      confirmClearFirstMiss: true,
    },
    steps,
  );
  const success = mode === 'sync' ? '201' : '202';
  const cpu = meter.read(search.probes.reduce((sum, probe) => sum + (probe.statuses?.[success] ?? 0), 0));
  ctx.say(`${name}: CPU ms per order ${describeCpu(cpu.perOrder)}`);
  return {
    n,
    runs: [search.maxRps],
    cpu_ms_per_order: cpu.perOrder,
    idle_cpu_ms_per_s: cpu.idlePerSecond,
    detail: describeSearch(search),
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

export async function measureDrainPoint({ ctx, n, s, replicas }: PointRequest): Promise<ScalingPointRecord> {
  const drain = await measureReplicaDrain(ctx, replicas, s.drainOrders);
  const late = drain.sendSeconds * 1000 > WORKER_SESSION_TIMEOUT_MS * 0.8;
  const placed = `${drain.placed} placed in ${drain.seconds.toFixed(2)} s`;
  ctx.say(
    `drain × ${n}: ${placed} → ${drain.perSecond}/s (burst sent in ${drain.sendSeconds.toFixed(1)} s); CPU ms per order ${describeCpu(drain.cpu.perOrder)}`,
  );
  return {
    n,
    runs: [drain.perSecond],
    cpu_ms_per_order: drain.cpu.perOrder,
    idle_cpu_ms_per_s: drain.cpu.idlePerSecond,
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
