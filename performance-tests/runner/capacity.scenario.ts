/**
 * capacity: per mode, the highest offered rate that holds the SLO (capacity-search.ts); then bursts
 * of sync orders, the worker's drain rate, the baselines of the same run (closed loops, the
 * database ceiling, the plain commit loop, Kafka), the gateway's own CPU (perf:gateway), and the
 * goals of issue 16 computed from all of them (capacity-goals.ts).
 */
import type { StepResult } from '../report/result.schema';
import { measureBaselines, type MeasuredBaselines } from './baselines';
import { computeCapacityGoals, describeShedding } from './capacity-goals';
import { searchCapacity, type Search, type SearchTarget } from './capacity-search';
import { measureGatewayCpu, type GatewayCpu } from './gateway-cpu';
import { DEFAULT_SLO, SUSTAINED_SLO, describeSlo, heldSlo } from './result-builder';
import { awaitDrained, env, runK6Step, withWorkerPaused, type RunContext, type ScenarioOutcome } from './run-context';
import { runSyncBursts } from './sync-burst';
import { drainAsBaseline, measureDrain } from './worker-drain';

const settings = () => ({
  modes: env('CAPACITY_MODES', 'sync,async,async-sustained,noop-202,bare-http'),
  startRate: Number(env('CAPACITY_START_RATE', '25')),
  maxRate: Number(env('CAPACITY_MAX_RATE', '4000')),
  bisections: Number(env('CAPACITY_BISECTIONS', '3')),
  /** Seconds of each probe (one k6 step at one rate). */
  probeSeconds: Number(env('CAPACITY_PROBE_SECONDS', '10')),
  /** 'off': every miss counts at once (CAPACITY_MISS_REPEATS is then ignored). */
  confirmFirstMiss: env('CAPACITY_CONFIRM_MISS', 'on') !== 'off',
  /** More probes a rate that missed by a little gets before the miss counts (capacity-search.ts). */
  missRepeats: Number(env('CAPACITY_MISS_REPEATS', '1')),
  /** Unmeasured seconds of the mode at WARMUP_RATE at the start of each search's first probe. */
  searchWarmUpSeconds: Number(env('CAPACITY_SEARCH_WARMUP_SECONDS', '5')),
  /** Share of the sustained steps' async orders followed to their final status (polled with backoff). */
  e2eSample: Number(env('CAPACITY_E2E_SAMPLE', '0.05')),
  burst: {
    orders: Number(env('SYNC_BURST_ORDERS', '75')),
    rounds: Number(env('SYNC_BURST_ROUNDS', '3')),
    pauseSeconds: Number(env('SYNC_BURST_PAUSE_SECONDS', '5')),
    withinMs: 1000,
    timeoutMs: 10_000,
  },
  drainOrders: Number(env('BURST_ORDERS', '3000')),
  /** A first, unrecorded k6 run of sync and async orders (JIT, pools, connections), seconds; 0: none. */
  warmupSeconds: Number(env('CAPACITY_WARMUP_SECONDS', '10')),
  /** 'off' skips `npm run perf:gateway` (its goal is then not measured). */
  gatewayBenchmark: env('CAPACITY_GATEWAY', 'on') !== 'off',
});

const PHASES = [
  'warm-up: sync and async orders, not recorded',
  'acceptance capacities, worker paused',
  'sync capacity',
  'sustained async capacity, worker running',
  'sync bursts',
  'worker drain',
  'baselines',
  "gateway's own CPU (npm run perf:gateway)",
] as const;

export async function runCapacity(ctx: RunContext): Promise<ScenarioOutcome> {
  const s = settings();
  const phase = phasePrinter(ctx);
  phase(PHASES[0]);
  await warmUp(ctx, s.warmupSeconds);
  const { searches, steps } = await searchEveryMode(ctx, s, phase);
  phase(PHASES[4]);
  const syncBurst = await runSyncBursts(ctx, s.burst);
  phase(PHASES[5]);
  const drain = ctx.system ? await measureDrain(ctx, s.drainOrders) : undefined;
  phase(PHASES[6]);
  const measured = ctx.system ? await measureBaselines(ctx) : undefined;
  phase(PHASES[7]);
  const gateway = await measureGateway(ctx, s.gatewayBenchmark);
  const capacityOf = (mode: string) => searches.find((found) => found.mode === mode)?.maxRps;
  const goals = computeCapacityGoals({
    syncCapacity: capacityOf('sync'),
    asyncAcceptance: capacityOf('async'),
    asyncSustained: capacityOf('async-sustained'),
    workerDrain: drain?.perSecond,
    syncBursts: syncBurst?.rounds,
    gatewayOwnCpuUs: gateway.ownCpuUsAboveLibrary,
    ...figuresOfBaselines(measured),
  });
  return {
    steps,
    settings: {
      ...s,
      slo: describeSlo(DEFAULT_SLO),
      sustainedSlo: describeSlo(SUSTAINED_SLO),
      dataset: ctx.k6Env['DATASET'],
    },
    capacity: searches.map((found) => ({ mode: found.mode, maxRps: found.maxRps, slo: describeSlo(found.slo) })),
    baselines: [...(drain ? [drainAsBaseline(drain, capacityOf('async'))] : []), ...(measured?.baselines ?? [])],
    ...(syncBurst && { syncBurst }),
    goals,
    notes: notesOf(s, steps.length, searches, gateway),
  };
}

/** Acceptance with the worker paused (it would take the CPU from what is measured), then sync, then async sustained. */
async function searchEveryMode(
  ctx: RunContext,
  s: ReturnType<typeof settings>,
  phase: ReturnType<typeof phasePrinter>,
) {
  const steps: StepResult[] = [];
  const searches: Search[] = [];
  const searchSettings = { ...s, warmUpSeconds: s.searchWarmUpSeconds };
  const search = async (target: SearchTarget) =>
    void searches.push(await searchCapacity(ctx, target, searchSettings, steps));
  const modes = s.modes.split(',').map((mode) => mode.trim());
  phase(PHASES[1]);
  await withWorkerPaused(ctx, async () => {
    for (const mode of modes.filter(isAcceptance)) await search(acceptanceTarget(mode));
  });
  phase(PHASES[2]);
  for (const mode of modes.filter((mode) => mode.startsWith('sync'))) await search(acceptanceTarget(mode));
  phase(PHASES[3]);
  if (modes.includes('async-sustained'))
    await search({ name: 'async-sustained', k6Mode: 'async', slo: SUSTAINED_SLO, e2eSample: s.e2eSample });
  return { searches, steps };
}

/**
 * Sync and async orders at a modest rate, the worker running, recorded nowhere: the first probe
 * would otherwise pay for cold code, pools and connections (it also seeds the data set).
 */
async function warmUp(ctx: RunContext, seconds: number): Promise<void> {
  if (seconds <= 0) return;
  const env = {
    SCENARIO: 'capacity',
    MODES: 'sync,async',
    RATES: '25',
    STEP_SECONDS: String(seconds),
    GAP_SECONDS: '0',
  };
  await runK6Step(ctx, 'warm-up', { ...env, E2E_SAMPLE: '0', WARMUP_SECONDS: '0' }, false);
  ctx.warmUps.push({ run: 'warm-up', modes: ['sync', 'async'], ratePerS: 25, seconds: seconds * 2 });
  await awaitDrained(ctx);
}

const isAcceptance = (mode: string) => !mode.startsWith('sync') && mode !== 'async-sustained';

const acceptanceTarget = (mode: string): SearchTarget => ({ name: mode, k6Mode: mode, slo: DEFAULT_SLO, e2eSample: 0 });

function figuresOfBaselines(measured: MeasuredBaselines | undefined) {
  if (!measured) return {};
  return {
    databaseCeiling: measured.database.perSecond,
    commitLoop: measured.commitLoop.perSecond,
    asyncGateway32: measured.rates['async'],
    asyncDirect32: measured.rates['async-direct'],
  };
}

async function measureGateway(ctx: RunContext, enabled: boolean): Promise<GatewayCpu> {
  if (!ctx.system) return { ownCpuUsAboveLibrary: undefined, why: 'not measured against a remote BASE_URL' };
  if (!enabled) return { ownCpuUsAboveLibrary: undefined, why: 'skipped (CAPACITY_GATEWAY=off)' };
  const gateway = await measureGatewayCpu({
    dir: `${ctx.dir}/gateway`,
    say: ctx.say,
    env: { ROUNDS: '1', DURATION_SECONDS: '5', WARMUP_SECONDS: '2' },
    timeoutMs: 600_000,
  });
  ctx.say(
    gateway.ownCpuUsAboveLibrary === undefined
      ? `gateway: not measured: ${gateway.why}`
      : `gateway: own CPU ${gateway.ownCpuUsAboveLibrary} µs per request above bare http-proxy-middleware`,
  );
  return gateway;
}

function notesOf(
  s: ReturnType<typeof settings>,
  probes: number,
  searches: readonly Search[],
  gateway: GatewayCpu,
): string[] {
  const sync = searches.find((found) => found.mode === 'sync');
  const repeats = s.confirmFirstMiss ? s.missRepeats : 0;
  return [
    `probes: ${probes} k6 runs of ${s.probeSeconds} s each; a marginal miss probed up to ${repeats} more time(s) before it counted, a clear miss at once; each search's first probe began with ${s.searchWarmUpSeconds} s of unmeasured warm-up`,
    ...(sync ? [describeShedding(sync.probes.filter((step) => !heldSlo(step, sync.slo)))] : []),
    ...(gateway.why ? [`gateway's own CPU: ${gateway.why}`] : []),
  ];
}

/** Prints `phase k/n: name` with the time into the run, so a long run shows where it is. */
function phasePrinter(ctx: RunContext): (name: (typeof PHASES)[number]) => void {
  return (name) => {
    const seconds = Math.round((Date.now() - ctx.startedAt) / 1000);
    const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    ctx.say(`── phase ${PHASES.indexOf(name) + 1}/${PHASES.length}: ${name} (${clock} into the run)`);
  };
}
