/** What every scenario of a perf run shares: where results go, the system, the samples, the clock. */
import type { SigningKey } from '@ecom/auth';
import type {
  Baseline,
  Goal,
  MachineLoad,
  RunResult,
  SeriesPoint,
  StepResult,
  SyncBurst,
} from '../report/result.schema';
import { k6TokenEnv, resolveApiToken } from './api-token';
import { runK6, type K6Outcome, type K6Step } from './k6';
import type { LocalSystem } from './local-system';
import { sleep } from './processes';
import { toStepResult, type Slo } from './result-builder';
import type { ProcessSampler, Sampler } from './samplers';

export interface RunContext {
  readonly dir: string;
  readonly say: (line: string) => void;
  /** Epoch ms the run started; every `t` and `startS` counts from here. */
  readonly startedAt: number;
  readonly baseUrl: string;
  /** Absent when BASE_URL names a system the runner did not start (then no lag, memory, ceilings). */
  readonly system?: LocalSystem;
  readonly lag?: Sampler;
  readonly memory?: Sampler;
  /** Each service process's CPU, event-loop lag and (the worker) end-to-end histogram, every second. */
  readonly processes?: ProcessSampler;
  /** Environment of every k6 run: targets, data set, the bearer token (API_TOKEN), and the products once seeded. */
  readonly k6Env: Record<string, string>;
  /** The k6 runs so far, by name: `<name>.k6-steps.raw.json` and `<name>.k6-dashboard.html` in `dir`. */
  readonly k6Runs: string[];
  /** The machine's load before the system was started. */
  readonly loadBefore?: MachineLoad;
  /** True while the worker is stopped on purpose (its backlog is then not expected to drain). */
  workerPaused: boolean;
  /** The warm-ups the k6 runs so far began with (unmeasured). */
  readonly warmUps: NonNullable<RunResult['warmUps']>;
}

export interface ScenarioOutcome {
  readonly steps: StepResult[];
  readonly settings: Record<string, unknown>;
  readonly capacity?: { mode: string; maxRps: number; slo: string }[];
  readonly baselines?: Baseline[];
  readonly syncBurst?: SyncBurst;
  readonly goals?: Goal[];
  readonly notes?: string[];
}

export const env = (name: string, fallback: string) => process.env[name] || fallback;

/** What the k6 runs need of the system the runner started: the other targets, and the key that signs the token. */
export type K6System = Pick<LocalSystem, 'orderServiceUrl' | 'noopGatewayUrl' | 'bareHttpUrl'> & {
  readonly signingKey?: SigningKey | undefined;
};

/**
 * The environment every k6 run of a perf run starts from: the gateway (BASE_URL), the data set,
 * the targets of the baselines when the runner started the system, and API_TOKEN (an admin
 * token: the environment's own, else one signed with the system's key, else none: auth is off).
 */
export async function baseK6Env(
  baseUrl: string,
  dataset: string,
  system: K6System | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  return {
    BASE_URL: baseUrl,
    DATASET: dataset,
    ...(system && {
      ORDER_SERVICE_URL: system.orderServiceUrl,
      NOOP_GATEWAY_URL: system.noopGatewayUrl,
      BARE_HTTP_URL: system.bareHttpUrl,
    }),
    ...k6TokenEnv(await resolveApiToken(system, environment)),
  };
}

export function lagPoints(ctx: RunContext): readonly SeriesPoint[] {
  return ctx.lag?.points ?? [];
}

/** Runs k6 once; the first run that seeds products hands their ids to every later run. */
export async function runK6Step(
  ctx: RunContext,
  name: string,
  env_: Record<string, string>,
  dashboard = true,
): Promise<K6Outcome> {
  const outcome = await runK6(ctx.dir, name, { ...ctx.k6Env, ...env_ }, { dashboard, say: ctx.say });
  ctx.k6Runs.push(name);
  if (outcome.warmUp) {
    ctx.warmUps.push({ run: name, ...outcome.warmUp });
    ctx.say(
      `${name}: warm-up ${outcome.warmUp.modes.join(', ')} @ ${outcome.warmUp.ratePerS}/s, ${outcome.warmUp.seconds} s, not measured`,
    );
  }
  if (outcome.thresholdsFailed)
    ctx.say(`${name}: k6 reports a threshold (the SLO of a step) broken; figures are valid`);
  if (outcome.setup?.productIds && !ctx.k6Env['PRODUCT_IDS'])
    ctx.k6Env['PRODUCT_IDS'] = JSON.stringify(outcome.setup.productIds);
  return outcome;
}

/** Seconds from the run's start to the k6 run's step clock (its setup's end). */
export function stepOffsetS(ctx: RunContext, outcome: K6Outcome): number {
  const at = outcome.setup?.stepsStartedAtMs;
  return at === undefined ? 0 : (at - ctx.startedAt) / 1000;
}

/**
 * The k6 run's steps as results. A step's window for the process figures (CPU per request, the
 * worker's histogram) runs from its start until its backlog drained, at most until the next step.
 * Steps that run at the same time (a soak's modes) share their window's CPU: it is divided by the
 * requests of all of them, since a process's CPU cannot be told apart by the mode that caused it.
 */
export function stepResults(ctx: RunContext, outcome: K6Outcome, slo?: Slo): StepResult[] {
  const offset = stepOffsetS(ctx, outcome);
  const readings = ctx.processes?.readings;
  const plain = outcome.steps.map((step) => toStepResult(step, offset, lagPoints(ctx), slo));
  if (!readings) return plain;
  const windowEnds = plain.map((result) => {
    const end = result.startS + result.durationS;
    const next = outcome.steps.map((s) => s.startS + offset).find((startS) => startS >= end - 0.05);
    const drained = end + (result.drainS ?? 0) + 1;
    return next === undefined ? drained : Math.min(drained, next);
  });
  return outcome.steps.map((step) => {
    // Steps side by side share one window (the latest end among them) and its requests.
    const group = concurrentSteps(outcome.steps, step);
    const windowEndS = Math.max(...group.map((member) => windowEnds[outcome.steps.indexOf(member)]!));
    const requestsInWindow = group.reduce((sum, member) => sum + member.requests, 0);
    return toStepResult(step, offset, lagPoints(ctx), slo, { readings, windowEndS, requestsInWindow });
  });
}

/** `step` and the steps running beside it: overlapping it for more than half of the shorter one. */
export function concurrentSteps<T extends Pick<K6Step, 'startS' | 'durationS'>>(steps: readonly T[], step: T): T[] {
  return steps.filter((other) => {
    const overlap =
      Math.min(step.startS + step.durationS, other.startS + other.durationS) - Math.max(step.startS, other.startS);
    return other === step || overlap > Math.min(step.durationS, other.durationS) / 2;
  });
}

/** Waits (up to `timeoutMs`) until the worker's backlog is empty, so one measurement does not bleed into the next. */
export async function awaitDrained(ctx: RunContext, timeoutMs = 120_000): Promise<void> {
  if (!ctx.lag || ctx.workerPaused) return;
  const deadline = Date.now() + timeoutMs;
  await sleep(1_500);
  while (Date.now() < deadline) {
    const last = [...ctx.lag.points].reverse().find((p) => p.series === 'order-requests lag');
    if (last?.value === 0) return;
    await sleep(500);
  }
  ctx.say(`the worker's backlog did not drain within ${timeoutMs / 1000}s`);
}

/**
 * Runs `measure` with the order worker stopped, then restarts it and waits for its backlog to
 * drain. Measures async acceptance on its own: on a 2-core machine a worker placing the orders
 * just accepted takes CPU from the acceptance being measured (in production it runs elsewhere).
 */
export async function withWorkerPaused<T>(ctx: RunContext, measure: () => Promise<T>): Promise<T> {
  const system = ctx.system;
  if (!system) return measure();
  await system.stopWorker();
  ctx.workerPaused = true;
  try {
    return await measure();
  } finally {
    ctx.workerPaused = false;
    await system.restartWorker();
    await awaitDrained(ctx, 600_000);
  }
}
