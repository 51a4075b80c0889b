/**
 * scaling: how each mode scales with the replicas of the tier that serves it, one tier at a time,
 * every replica of that tier under a fixed CPU quota (cpu-quotas.ts), the other tiers and k6 not
 * limited (scaling-plan.ts has the settings):
 *   order-worker × N      the drain rate
 *   product-service × N   sync capacity at the SLO
 *   order-service × N     sync capacity, then async acceptance capacity (worker stopped)
 *   hot variant           5 hot products with ample stock: sync over order-service × N and the
 *                         drain over order-worker × N, to see what row locks do to each mode
 * The series go to summary.json (kind 'scaling') and report.md with their USL fits
 * (scaling-run-output.ts).
 */
import type { DatabaseSettings } from '@ecom/service-kit/db';
import { formatDuration } from '../report/figure-format';
import type { StepResult } from '../report/result.schema';
import { DEFAULT_SLO, describeSlo } from '../runner/result-builder';
import { runK6Step, type RunContext, type ScenarioOutcome } from '../runner/run-context';
import { openCpuQuotas, type CpuQuotas } from './cpu-quotas';
import {
  planSeries,
  scalingSettings,
  type ScalingDataset,
  type ScalingSettings,
  type SeriesPlan,
} from './scaling-plan';
import { k6StepEnv, measureCapacityPoint, measureDrainPoint, scaledSlo } from './scaling-points';
import type { ScalingPointRecord, ScalingSeries } from './scaling-summary.schema';
import { dropLockMonitorAccount, lockMonitorAccount } from './row-locks';
import { writePartialScalingRun } from './scaling-partial-run';
import { startTierReplicas } from './tier-replicas';

export interface ScalingOutcome {
  readonly series: ScalingSeries[];
  readonly mechanism: CpuQuotas['mechanism'];
  readonly periodUs: number | null;
}

/** What every series of one run shares. */
interface ScalingRun {
  readonly ctx: RunContext;
  readonly s: ScalingSettings;
  readonly quotas: CpuQuotas;
  readonly steps: StepResult[];
  /** Per data set, a context whose k6 runs order from its products. */
  readonly contexts: Map<ScalingDataset, RunContext>;
  readonly progress: (plan: SeriesPlan, n: number) => void;
  readonly lockMonitor: DatabaseSettings | null;
}

export async function runScaling(ctx: RunContext): Promise<ScenarioOutcome & { scaling: ScalingOutcome }> {
  if (!ctx.system) throw new Error('scaling starts its own replicas: run it without BASE_URL');
  const s = scalingSettings();
  const plans = planSeries(s);
  const quotas = openCpuQuotas({ periodUs: s.periodUs });
  ctx.say(`CPU quotas: ${quotas.mechanism}; cores per replica of the scaled tier: ${JSON.stringify(s.cores)}`);
  const { monitor: lockMonitor, why } = lockMonitorAccount(ctx.system.databases.order);
  ctx.say(
    lockMonitor
      ? 'row-lock waits: sampled by table every 250 ms (by an account made for this run, PROCESS only), beside the counters'
      : `row-lock waits: the server-wide counters only (no monitoring account: ${why})`,
  );
  const run: ScalingRun = {
    ctx,
    s,
    quotas,
    steps: [],
    contexts: new Map(),
    progress: progressOf(ctx, plans),
    lockMonitor,
  };
  let series: ScalingSeries[];
  try {
    series = await measureEverySeries(run, plans);
  } finally {
    quotas.release();
    dropLockMonitorAccount();
  }
  return {
    steps: run.steps,
    settings: { ...s, slo: describeSlo(DEFAULT_SLO), quotaMechanism: quotas.mechanism },
    notes: notesOf(quotas, s),
    scaling: { series, mechanism: quotas.mechanism, periodUs: quotas.periodUs },
  };
}

/** Every planned series in turn; a failure keeps the series finished before it (partial-series.json). */
async function measureEverySeries(run: ScalingRun, plans: readonly SeriesPlan[]): Promise<ScalingSeries[]> {
  const series: ScalingSeries[] = [];
  try {
    for (const plan of plans) series.push(await measureSeries(run, plan));
    return series;
  } catch (error) {
    try {
      const kept = writePartialScalingRun(run.ctx.dir, series, error);
      if (kept)
        run.ctx.say(`kept the ${series.length} series measured before the failure in ${kept} (not publishable)`);
    } catch (writeError) {
      run.ctx.say(`could not keep the series measured before the failure: ${(writeError as Error).message}`);
    }
    throw error;
  }
}

async function measureSeries(run: ScalingRun, plan: SeriesPlan): Promise<ScalingSeries> {
  const { s, quotas } = run;
  const system = run.ctx.system!;
  const ctx = await datasetContext(run, plan.dataset);
  // The worker drains in its own series; anywhere else it would take CPU from what is measured.
  if (plan.mode === 'drain') await system.restartWorker();
  else await system.stopWorker();
  const cores = quotas.mechanism.startsWith('cgroup') ? s.cores[plan.tier] : null;
  const points: ScalingPointRecord[] = [];
  for (const n of plan.counts) {
    run.progress(plan, n);
    const replicas = await startTierReplicas({
      system,
      quotas,
      tier: plan.tier,
      n,
      coresPerReplica: s.cores[plan.tier],
    });
    try {
      const single = points.find((point) => point.n === 1)?.runs[0];
      const aimed = {
        ...ctx,
        k6Env: { ...ctx.k6Env, BASE_URL: replicas.baseUrl },
        workerPaused: plan.mode !== 'drain',
      };
      const request = {
        ctx: aimed,
        plan,
        n,
        s,
        replicas,
        steps: run.steps,
        single,
        cores,
        lockMonitor: run.lockMonitor,
      };
      points.push(plan.mode === 'drain' ? await measureDrainPoint(request) : await measureCapacityPoint(request));
    } finally {
      await replicas.stop();
    }
  }
  return {
    tier: plan.tier,
    mode: plan.mode,
    dataset: plan.dataset,
    unit: 'orders/s',
    cores_per_replica: cores,
    measure:
      plan.mode === 'drain'
        ? `a queued burst of ${s.drainOrders} async orders placed by N workers frozen while it was queued, first to last order placed`
        : `the highest offered rate that held ${describeSlo(scaledSlo(cores))} (the SLO's p99 bound divided by the core share; ${s.probeSeconds} s probes)`,
    points,
  };
}

/** The run's context with the data set's products, created by a short first k6 run. */
async function datasetContext(run: ScalingRun, dataset: ScalingDataset): Promise<RunContext> {
  const known = run.contexts.get(dataset);
  if (known) return known;
  const k6Env: Record<string, string> = { ...run.ctx.k6Env, DATASET: dataset };
  delete k6Env['PRODUCT_IDS'];
  const ctx = { ...run.ctx, k6Env };
  await runK6Step(ctx, `seed-${dataset}`, k6StepEnv('sync', 5, 2), false);
  run.contexts.set(dataset, ctx);
  return ctx;
}

function notesOf(quotas: CpuQuotas, s: ScalingSettings): string[] {
  const mechanism =
    quotas.mechanism === 'taskset'
      ? 'taskset: each replica pinned to one CPU (no cgroup CPU controller writable): a replica gets up to a whole core, not the quota'
      : quotas.mechanism === 'none'
        ? 'no CPU quota could be set (no writable cgroup and no taskset): replicas shared the machine freely'
        : `${quotas.mechanism} CPU quota per replica of the scaled tier (order-worker ${s.cores['order-worker']} core, order-service ${s.cores['order-service']} core, product-service ${s.cores['product-service']} core), period ${(quotas.periodUs ?? 0) / 1000} ms`;
  return [
    mechanism,
    'the tiers not scaled, MariaDB, Kafka and k6 ran without a quota on the same two cores',
    "hot data set: 5 products with ample stock, every order's lines among them",
  ];
}

/** Prints where the run is: the point, the series and count, the time so far and an estimate of what is left. */
function progressOf(ctx: RunContext, plans: readonly SeriesPlan[]) {
  const total = plans.reduce((sum, plan) => sum + plan.counts.length, 0);
  const firstAt = Date.now();
  let done = 0;
  return (plan: SeriesPlan, n: number) => {
    const elapsed = (Date.now() - firstAt) / 1000;
    const left = done === 0 ? '' : `, about ${formatDuration((elapsed / done) * (total - done))} left`;
    done += 1;
    const dataset = plan.dataset === 'default' ? '' : ` (${plan.dataset})`;
    ctx.say(
      `── point ${done}/${total}: ${plan.tier} × ${n}, ${plan.mode}${dataset}; ${formatDuration(elapsed)} so far${left}`,
    );
  };
}
