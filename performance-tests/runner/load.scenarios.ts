/** The scenarios that are one k6 run each: smoke, compare, spike and soak. */
import { createDatabase } from '@ecom/service-kit/db';
import { findStockImbalances } from '@ecom/product-service/bench';
import type { StepResult } from '../report/result.schema';
import { measureBaselines } from './baselines';
import { DEFAULT_SLO, describeSlo, heldSlo } from './result-builder';
import { describeDrain } from './samplers';
import { awaitDrained, env, runK6Step, stepResults, type RunContext, type ScenarioOutcome } from './run-context';

export async function runSmoke(ctx: RunContext): Promise<ScenarioOutcome> {
  const outcome = await runK6Step(ctx, 'smoke', { SCENARIO: 'smoke' }, false);
  const checks = outcome.checks ?? { passes: 0, fails: 0 };
  if (outcome.exitCode !== 0 || checks.fails > 0 || checks.passes === 0) {
    throw new Error(
      `smoke failed: ${checks.passes} checks passed, ${checks.fails} failed (k6 exit ${outcome.exitCode})`,
    );
  }
  return { steps: [], settings: {}, notes: [`smoke: ${checks.passes} checks passed, ${checks.fails} failed`] };
}

/** Sync, then async, over the same offered rates; then the baselines of the same run. */
export async function runCompare(ctx: RunContext): Promise<ScenarioOutcome> {
  const settings = {
    modes: env('MODES', 'sync,async'),
    rates: env('RATES', '25,50,100,200,300'),
    stepSeconds: Number(env('STEP_SECONDS', '20')),
    gapSeconds: Number(env('GAP_SECONDS', '5')),
    dataset: ctx.k6Env['DATASET'],
    e2eSample: Number(env('E2E_SAMPLE', '0.02')),
    ...warmUpSettings(),
  };
  const outcome = await runK6Step(ctx, 'compare', {
    SCENARIO: 'compare',
    MODES: settings.modes,
    RATES: settings.rates,
    STEP_SECONDS: String(settings.stepSeconds),
    GAP_SECONDS: String(settings.gapSeconds),
    E2E_SAMPLE: String(settings.e2eSample),
    ...warmUpEnv(settings),
  });
  await awaitDrained(ctx);
  const steps = stepResults(ctx, outcome, DEFAULT_SLO);
  const baselines = ctx.system && env('BASELINES', 'true') !== 'false' ? await measureBaselines(ctx) : undefined;
  return {
    steps,
    settings: { ...settings, slo: describeSlo(DEFAULT_SLO) },
    ...(baselines && { baselines: baselines.baselines }),
    notes: [
      ...describeCompare(steps),
      ...steps.flatMap(describeEndToEnd),
      ...(ctx.system ? await describeLedger(ctx) : []),
    ],
  };
}

/** An async step's two end-to-end figures: the sampled polls (a client's view) and the worker's histogram (every order). */
export function describeEndToEnd(step: StepResult): string[] {
  if (!step.e2eMs && !step.workerE2eMs) return [];
  const polled = step.e2eMs
    ? `polled: p99 ${step.e2eMs.p99} ms over ${step.e2eMs.count} followed orders (polls ${((step.pollShare ?? 0) * 100).toFixed(1)}% of the step's requests)`
    : 'polled: none followed';
  const worker = step.workerE2eMs
    ? `worker's histogram: p50 ≤ ${step.workerE2eMs.p50 ?? '∞'} ms, p99 ≤ ${step.workerE2eMs.p99 ?? '∞'} ms over ${step.workerE2eMs.count} orders (bucket resolution)`
    : "worker's histogram: not sampled";
  return [`${step.label} end to end — ${polled}; ${worker}`];
}

/** The unmeasured warm-up of compare, spike and soak (k6/lib/plan.js: each mode at WARMUP_RATE for WARMUP_SECONDS). */
function warmUpSettings() {
  return { warmUpSeconds: Number(env('WARMUP_SECONDS', '5')), warmUpRate: Number(env('WARMUP_RATE', '10')) };
}

function warmUpEnv(settings: ReturnType<typeof warmUpSettings>): Record<string, string> {
  return { WARMUP_SECONDS: String(settings.warmUpSeconds), WARMUP_RATE: String(settings.warmUpRate) };
}

function describeCompare(steps: readonly StepResult[]): string[] {
  const highestHeld = (mode: string) =>
    Math.max(0, ...steps.filter((s) => s.mode === mode && s.sloMet).map((s) => s.offeredRps));
  return ['sync', 'async']
    .filter((mode) => steps.some((s) => s.mode === mode))
    .map((mode) => `${mode}: highest offered rate that held ${describeSlo(DEFAULT_SLO)}: ${highestHeld(mode)}/s`);
}

/**
 * What the run left in the databases (once the worker drained): orders by mode and final status,
 * so refusals are counted (sync: 409 at once; async: accepted, then `rejected` by the worker), and
 * the lowest stock of any product: oversell protection means it never goes below zero; and the
 * oversell check itself: products whose stock plus units held by reservations is not their total
 * stock (0 when nothing was oversold or lost), and reservations held against orders placed (equal
 * when every placed order holds its stock exactly once).
 */
async function describeLedger(ctx: RunContext): Promise<string[]> {
  const { databases } = ctx.system!;
  const orders = createDatabase(databases.order);
  const products = createDatabase(databases.product);
  try {
    const counts = (await orders('orders').select('mode', 'status').count({ n: '*' }).groupBy('mode', 'status')) as {
      mode: string;
      status: string;
      n: number;
    }[];
    const stock = (await products('products').min({ lowest: 'stock' }).first()) as
      { lowest: number | null } | undefined;
    const byMode = ['sync', 'async'].map(
      (mode) =>
        `${mode}: ${
          counts
            .filter((c) => c.mode === mode)
            .map((c) => `${c.n} ${c.status}`)
            .join(', ') || 'none'
        }`,
    );
    const imbalances = await findStockImbalances(products);
    const held = (await products('stock_reservations').where({ status: 'reserved' }).count({ n: '*' }).first()) as
      { n: number } | undefined;
    const placed = counts.filter((c) => c.status === 'pending').reduce((sum, c) => sum + Number(c.n), 0);
    return [
      `orders stored — ${byMode.join('; ')}; lowest stock of any product: ${stock?.lowest ?? 'n/a'}`,
      `oversell check — products out of balance (stock + held ≠ total): ${imbalances.length}; reservations held: ${Number(held?.n ?? 0)}, orders placed: ${placed}`,
    ];
  } finally {
    await Promise.all([orders.destroy(), products.destroy()]);
  }
}

/** Per mode: base rate, a burst well above sync capacity, then the base rate again in slices. */
export async function runSpike(ctx: RunContext): Promise<ScenarioOutcome> {
  const settings = {
    modes: env('MODES', 'sync,async'),
    baseRate: Number(env('SPIKE_BASE_RATE', '50')),
    spikeRate: Number(env('SPIKE_RATE', '400')),
    spikeSeconds: Number(env('SPIKE_SECONDS', '30')),
    afterSeconds: Number(env('SPIKE_AFTER_SECONDS', '60')),
    ...warmUpSettings(),
  };
  const outcome = await runK6Step(ctx, 'spike', {
    SCENARIO: 'spike',
    MODES: settings.modes,
    SPIKE_BASE_RATE: String(settings.baseRate),
    SPIKE_RATE: String(settings.spikeRate),
    SPIKE_SECONDS: String(settings.spikeSeconds),
    SPIKE_AFTER_SECONDS: String(settings.afterSeconds),
    ...warmUpEnv(settings),
  });
  await awaitDrained(ctx, 300_000);
  const steps = stepResults(ctx, outcome, DEFAULT_SLO);
  const notes = settings.modes.split(',').map((mode) => describeRecovery(mode, outcome.steps, steps));
  return { steps, settings: { ...settings, slo: describeSlo(DEFAULT_SLO) }, notes };
}

function describeRecovery(
  mode: string,
  k6Steps: Parameters<typeof heldSlo>[0][],
  steps: readonly StepResult[],
): string {
  const spike =
    steps.find((s) => s.mode === mode && s.label === `${mode}_spike`) ??
    steps.find(
      (s) =>
        s.mode === mode && s.offeredRps === Math.max(...steps.filter((x) => x.mode === mode).map((x) => x.offeredRps)),
    );
  const after = k6Steps.filter((s) => s.mode === mode && s.name.startsWith(`${mode}_after`));
  const firstHealthy = after.findIndex((s) => heldSlo(s, DEFAULT_SLO));
  const spikeEnd = spike ? spike.startS + spike.durationS : 0;
  const recovered =
    firstHealthy === -1
      ? 'not within the observed window'
      : `${after[firstHealthy]!.durationS * firstHealthy}–${after[firstHealthy]!.durationS * (firstHealthy + 1)} s after the burst`;
  const during = spike ? describeBurst(spike) : '';
  const drain =
    spike?.drainS !== undefined
      ? `; backlog drained ${describeDrain(spike.drainS, spike.drainBelowResolution)} after the burst ended (at ${spikeEnd.toFixed(0)} s)`
      : '';
  return `${mode}: ${during}; back within the SLO ${recovered}${drain}`;
}

/**
 * The burst's verdict: an iteration k6 could not start is an order the system did not take, so
 * dropped iterations count as failures beside the errors, as a share of what was offered.
 */
export function describeBurst(spike: StepResult): string {
  const offered = Math.round(spike.offeredRps * spike.durationS);
  const errors = Math.round(spike.errorRate * spike.requests);
  const failed = errors + spike.droppedIterations;
  const share = offered > 0 ? ((failed / offered) * 100).toFixed(1) : '0.0';
  const verdict = spike.sloMet ? 'held the SLO' : `did not hold the SLO (${(spike.sloMisses ?? []).join('; ')})`;
  return `during the burst: ${spike.achievedRps}/s of ${spike.offeredRps}/s offered, p99 ${spike.latencyMs.p99} ms; ${failed} of ${offered} offered orders failed (${share}%: ${errors} errors, ${(spike.rate503 * 100).toFixed(1)}% 503, ${spike.droppedIterations} dropped iterations); ${verdict}`;
}

/** Every mode at a steady rate for minutes, in slices: latency drift and memory growth. */
export async function runSoak(ctx: RunContext): Promise<ScenarioOutcome> {
  const settings = {
    modes: env('MODES', 'sync,async'),
    rate: Number(env('SOAK_RATE', '50')),
    minutes: Number(env('SOAK_MINUTES', '10')),
    sliceSeconds: Number(env('SOAK_SLICE_SECONDS', '60')),
    ...warmUpSettings(),
  };
  const outcome = await runK6Step(ctx, 'soak', {
    SCENARIO: 'soak',
    MODES: settings.modes,
    SOAK_RATE: String(settings.rate),
    SOAK_MINUTES: String(settings.minutes),
    SOAK_SLICE_SECONDS: String(settings.sliceSeconds),
    ...warmUpEnv(settings),
  });
  await awaitDrained(ctx);
  const steps = stepResults(ctx, outcome, DEFAULT_SLO);
  const notes = settings.modes.split(',').map((mode) => describeDrift(mode, steps));
  notes.push(...describeMemoryGrowth(ctx));
  return { steps, settings: { ...settings, slo: describeSlo(DEFAULT_SLO) }, notes };
}

function describeDrift(mode: string, steps: readonly StepResult[]): string {
  const slices = steps.filter((s) => s.mode === mode);
  const first = slices[0];
  const last = slices[slices.length - 1];
  if (!first || !last) return `${mode}: no slices`;
  return `${mode}: p99 ${first.latencyMs.p99} ms in the first slice, ${last.latencyMs.p99} ms in the last (p50 ${first.latencyMs.p50} → ${last.latencyMs.p50} ms); errors ${(Math.max(...slices.map((s) => s.errorRate)) * 100).toFixed(2)}% at most`;
}

function describeMemoryGrowth(ctx: RunContext): string[] {
  const points = ctx.memory?.points ?? [];
  const series = [...new Set(points.map((p) => p.series))];
  return series.map((name) => {
    const values = points.filter((p) => p.series === name);
    const early = values.slice(0, Math.max(1, Math.floor(values.length / 10)));
    const late = values.slice(-Math.max(1, Math.floor(values.length / 10)));
    const mean = (xs: typeof values) => Math.round(xs.reduce((sum, p) => sum + p.value, 0) / xs.length);
    return `${name}: ${mean(early)} MiB in the first tenth of the run, ${mean(late)} MiB in the last`;
  });
}
