/**
 * capacity: per mode, the highest offered rate that holds the SLO, found by stepping up (×2) and
 * bisecting between the last rate that held and the first that did not; one short k6 run per
 * probe. Then the worker's drain rate and the baselines of the same run, and the goals.
 */
import type { Baseline, Goal, StepResult } from '../report/result.schema';
import { createDatabase } from '@ecom/service-kit/db';
import { measureDatabaseCeiling, measureKafkaCeiling } from './ceilings';
import type { K6Step } from './k6';
import { DEFAULT_SLO, describeSlo, goal, heldSlo, ratio, type Slo } from './result-builder';
import {
  awaitDrained,
  env,
  runK6Step,
  stepResults,
  withWorkerPaused,
  type RunContext,
  type ScenarioOutcome,
} from './run-context';

interface Search {
  readonly mode: string;
  readonly slo: Slo;
  readonly maxRps: number;
  readonly probes: K6Step[];
}

const settings = () => ({
  modes: env('CAPACITY_MODES', 'sync,async,noop-202,bare-http'),
  startRate: Number(env('CAPACITY_START_RATE', '25')),
  maxRate: Number(env('CAPACITY_MAX_RATE', '4000')),
  bisections: Number(env('CAPACITY_BISECTIONS', '3')),
  probeSeconds: Number(env('CAPACITY_PROBE_SECONDS', '10')),
});

export async function runCapacity(ctx: RunContext): Promise<ScenarioOutcome> {
  const s = settings();
  const steps: StepResult[] = [];
  const searches: Search[] = [];
  // The async efficiency goal's own latency bound.
  const strict: Slo = { ...DEFAULT_SLO, p99Ms: Number(env('GOAL_ASYNC_P99_MS', '50')) };
  const modes = s.modes.split(',');
  const search = async (mode: string, slo: Slo) => {
    const found = await searchCapacity(ctx, mode, slo, steps);
    searches.push(found);
    ctx.say(`capacity of ${mode} at ${describeSlo(slo)}: ${found.maxRps}/s`);
  };
  // Acceptance without the worker competing for the CPU (see withWorkerPaused), then sync.
  await withWorkerPaused(ctx, async () => {
    for (const mode of modes.filter((m) => m !== 'sync' && m !== 'sync-direct')) await search(mode, DEFAULT_SLO);
    for (const mode of ['async', 'noop-202'].filter((m) => modes.includes(m))) await search(mode, strict);
  });
  for (const mode of modes.filter((m) => m === 'sync' || m === 'sync-direct')) await search(mode, DEFAULT_SLO);
  const drain = ctx.system ? await measureDrain(ctx) : undefined;
  const baselines = ctx.system ? await measureBaselines(ctx) : { baselines: [], goals: [] };
  const capacity = searches.map((search) => ({
    mode: search.mode,
    maxRps: search.maxRps,
    slo: describeSlo(search.slo),
  }));
  const drainBaseline: Baseline[] = drain ? [drainAsBaseline(drain, searches)] : [];
  return {
    steps,
    settings: { ...s, slo: describeSlo(DEFAULT_SLO), strictSlo: describeSlo(strict), dataset: ctx.k6Env['DATASET'] },
    capacity,
    baselines: [...drainBaseline, ...baselines.baselines],
    goals: [...capacityGoals(searches, drain), ...baselines.goals],
    notes: [`probes: ${steps.length} k6 runs of ${s.probeSeconds} s each`],
  };
}

async function searchCapacity(ctx: RunContext, mode: string, slo: Slo, steps: StepResult[]): Promise<Search> {
  const s = settings();
  const probes: K6Step[] = [];
  const probe = async (rate: number) => {
    const outcome = await runK6Step(
      ctx,
      `capacity-${mode}-p${slo.p99Ms}-${rate}`,
      {
        SCENARIO: 'capacity',
        MODES: mode,
        RATES: String(rate),
        STEP_SECONDS: String(s.probeSeconds),
        GAP_SECONDS: '0',
        // Acceptance is what is measured; following orders to the end would add load (and with
        // the worker paused, polls that never end). End-to-end latency is the compare scenario's.
        E2E_SAMPLE: '0',
      },
      false,
    );
    await awaitDrained(ctx);
    steps.push(...stepResults(ctx, outcome, slo));
    probes.push(...outcome.steps);
    const step = outcome.steps[0];
    const held = step !== undefined && heldSlo(step, slo);
    ctx.say(
      `${mode} @ ${rate}/s: p99 ${step?.latencyMs?.p99 ?? '-'} ms, errors ${((step?.errorRate ?? 1) * 100).toFixed(2)}%, dropped ${step?.droppedIterations ?? '-'} → ${held ? 'held' : 'missed'}`,
    );
    return held;
  };
  let held = 0;
  let missed: number | undefined;
  for (let rate = s.startRate; rate <= s.maxRate; rate *= 2) {
    if (!(await probe(rate))) {
      missed = rate;
      break;
    }
    held = rate;
  }
  for (
    let round = 0;
    missed !== undefined && round < s.bisections && missed - held > Math.max(2, held * 0.05);
    round += 1
  ) {
    const middle = Math.round((held + missed) / 2);
    if (await probe(middle)) held = middle;
    else missed = middle;
  }
  return { mode, slo, maxRps: held, probes };
}

interface Drain {
  readonly orders: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/**
 * Stops the worker, fills its backlog with a burst of async orders, restarts it and times the
 * drain from the orders themselves: how many it placed, between the first and the last one's
 * `created_at` (the lag alone moves in steps, with the worker's offset commits).
 */
async function measureDrain(ctx: RunContext): Promise<Drain | undefined> {
  const system = ctx.system!;
  const orders = Number(env('BURST_ORDERS', '3000'));
  ctx.say(`drain: worker stopped, sending ${orders} async orders`);
  await system.stopWorker();
  await runK6Step(ctx, 'drain-burst', { SCENARIO: 'burst', BURST_ORDERS: String(orders), E2E_SAMPLE: '0' }, false);
  const restartedAt = new Date();
  await system.restartWorker();
  const readyAfterS = (Date.now() - restartedAt.getTime()) / 1000;
  await awaitDrained(ctx, 600_000);
  const db = createDatabase(system.databases.order);
  try {
    const row = (await db('orders')
      .where('created_at', '>=', restartedAt)
      .first(db.raw('count(*) as n'), db.raw('min(created_at) as first'), db.raw('max(created_at) as last'))) as
      { n: number; first: Date | null; last: Date | null } | undefined;
    if (!row?.first || !row.last || Number(row.n) === 0) return undefined;
    const seconds = Math.max(0.001, (row.last.getTime() - row.first.getTime()) / 1000);
    ctx.say(
      `drain: ${row.n} orders placed in ${seconds.toFixed(1)} s (worker ready after ${readyAfterS.toFixed(1)} s)`,
    );
    return { orders: Number(row.n), seconds, perSecond: Math.round(Number(row.n) / seconds) };
  } finally {
    await db.destroy();
  }
}

function drainAsBaseline(drain: Drain, searches: readonly Search[]): Baseline {
  const sync = searches.find((s) => s.mode === 'sync' && s.slo === DEFAULT_SLO);
  return {
    name: 'worker drain rate',
    description: `${drain.orders} queued async orders placed in ${drain.seconds.toFixed(1)} s by one worker process (first to last order placed)`,
    value: drain.perSecond,
    unit: 'orders/s',
    ...(sync && sync.maxRps > 0 && { ratio: { to: 'sync capacity', value: ratio(drain.perSecond, sync.maxRps) } }),
  };
}

function capacityGoals(searches: readonly Search[], drain: Drain | undefined): Goal[] {
  const find = (mode: string, p99: number) => searches.find((s) => s.mode === mode && s.slo.p99Ms === p99);
  const goals: Goal[] = [];
  const [async50, noop50, sync] = [find('async', 50), find('noop-202', 50), find('sync', DEFAULT_SLO.p99Ms)];
  if (async50 && noop50) {
    const r = ratio(async50.maxRps, noop50.maxRps);
    goals.push(
      goal(
        'async efficiency',
        '≥ 0.70 × the no-op 202 behind the gateway, at p99 ≤ 50 ms',
        `${async50.maxRps}/s vs ${noop50.maxRps}/s = ${r}×`,
        r >= 0.7,
      ),
    );
  }
  if (drain && sync) {
    const r = ratio(drain.perSecond, sync.maxRps);
    goals.push(
      goal('worker drain', '≥ 2 × the sync capacity', `${drain.perSecond}/s vs ${sync.maxRps}/s = ${r}×`, r >= 2),
    );
  }
  if (sync) goals.push(sheddingGoal(sync));
  return goals;
}

/** Above capacity, sync should answer 503 with Retry-After, not time out or fail otherwise. */
function sheddingGoal(sync: Search): Goal {
  const over = sync.probes.filter((step) => !heldSlo(step, sync.slo));
  const total = (key: 'unavailable' | 'noResponse' | 'failed' | 'unavailableWithoutRetryAfter') =>
    over.reduce((sum, step) => sum + (step.counts[key] ?? 0), 0);
  const [shed, noRetryAfter, timeouts, other] = [
    total('unavailable'),
    total('unavailableWithoutRetryAfter'),
    total('noResponse'),
    total('failed'),
  ];
  const measured = `over capacity (${over.map((step) => `${step.offeredRps}/s`).join(', ') || 'not reached'}): ${shed} × 503 (${noRetryAfter} without Retry-After), ${timeouts} without a response, ${other} other errors`;
  // Not exercised when nothing above capacity failed at all (it was only slower).
  const failures = shed + timeouts + other;
  const met = failures === 0 ? null : noRetryAfter === 0 && timeouts === 0 && other === 0;
  return goal('sync sheds load', 'above capacity: 503 with Retry-After, no timeouts or other 5xx', measured, met);
}

/**
 * Every target at the same concurrency (closed loop), beside the database's and Kafka's own
 * ceilings: what the gateway, the services and the infrastructure can do on this machine.
 */
export async function measureBaselines(ctx: RunContext): Promise<{ baselines: Baseline[]; goals: Goal[] }> {
  const system = ctx.system!;
  const vus = Number(env('SATURATE_VUS', '32'));
  const seconds = env('SATURATE_SECONDS', '10');
  const modes = 'bare-http,noop-202,async,async-direct,sync,sync-direct';
  ctx.say(`baselines: ${modes} with ${vus} clients each, then the database and Kafka ceilings`);
  // Closed loops: no end-to-end polling here, a polling client would not be sending orders.
  const saturate = (name: string, group: string) =>
    runK6Step(
      ctx,
      name,
      {
        SCENARIO: 'saturate',
        MODES: group,
        SATURATE_VUS: String(vus),
        STEP_SECONDS: seconds,
        GAP_SECONDS: '2',
        E2E_SAMPLE: '0',
      },
      false,
    );
  const accepting = await withWorkerPaused(ctx, () =>
    saturate('baselines-accept', 'bare-http,noop-202,async,async-direct'),
  );
  const placing = await saturate('baselines-sync', 'sync,sync-direct');
  const outcome = { steps: [...accepting.steps, ...placing.steps] };
  const rate = (mode: string) => outcome.steps.find((step) => step.mode === mode)?.achievedRps ?? 0;
  const productIds = JSON.parse(ctx.k6Env['PRODUCT_IDS'] ?? '[]') as number[];
  const database = await measureDatabaseCeiling(system.databases, productIds, vus, Number(seconds));
  const kafka = await measureKafkaCeiling(system.brokers, system.topics.producerCeiling);
  const saturated = (mode: string, description: string, to?: [string, number]): Baseline => ({
    name: `${mode}, ${vus} clients`,
    description,
    value: rate(mode),
    unit: 'req/s',
    ...(to && { ratio: { to: to[0], value: ratio(rate(mode), to[1]) } }),
  });
  const baselines: Baseline[] = [
    saturated('bare-http', 'a bare node:http server answering 202 (the HTTP ceiling of this machine)'),
    saturated('noop-202', 'the same no-op 202 server behind a gateway', ['bare-http', rate('bare-http')]),
    saturated('async', 'POST /orders/async through the gateway', ['noop-202', rate('noop-202')]),
    saturated('async-direct', 'POST /orders/async to the order service directly', ['async', rate('async')]),
    saturated('sync', 'POST /orders through the gateway', ['database ceiling', database.perSecond]),
    saturated('sync-direct', 'POST /orders to the order service directly', ['sync', rate('sync')]),
    {
      name: `database ceiling, ${vus} loops`,
      description: `the sync order's reservation and order transactions in-process, no HTTP (p50 ${database.p50Ms} ms, p99 ${database.p99Ms} ms)`,
      value: database.perSecond,
      unit: 'orders/s',
    },
    {
      name: 'Kafka producer ceiling',
      description: `Kafka's ProducerPerformance, ${kafka.records} × 300 B, acks=all, idempotent (p50 ${kafka.p50Ms} ms, p99 ${kafka.p99Ms} ms)`,
      value: kafka.perSecond,
      unit: 'records/s',
    },
  ];
  const syncShare = ratio(rate('sync'), database.perSecond);
  const goals = [
    goal(
      'sync efficiency',
      '≥ 0.50 × the database ceiling at the same concurrency',
      `${rate('sync')}/s vs ${database.perSecond}/s = ${syncShare}×`,
      syncShare >= 0.5,
    ),
  ];
  return { baselines, goals };
}
