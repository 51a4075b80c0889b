/** Runs the k6 suite (performance-tests/k6/run.js) with the project's k6 and reads its per-step summary. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { freePort } from '@ecom/system-launcher';
import { ROOT } from './local-system';
import { runCommand } from './processes';

export interface K6Latency {
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

export interface K6Step {
  name: string;
  mode: string;
  offeredRps: number;
  startS: number;
  durationS: number;
  requests: number;
  achievedRps: number;
  latencyMs?: K6Latency;
  counts: {
    ok: number;
    rejected: number;
    unavailable: number;
    noResponse: number;
    failed: number;
    unavailableWithoutRetryAfter?: number;
  };
  statuses?: Record<string, number>;
  errorRate: number;
  rejectedRate: number;
  rate503: number;
  droppedIterations: number;
  e2eMs?: K6Latency;
  notFinal: number;
  /** GETs of followed orders' Locations, and their share of the step's requests (polls + order POSTs). */
  polls?: number;
  pollShare?: number;
  /** The step's SLO thresholds k6 found broken (e.g. 'order_duration p(99)<=100'). */
  thresholdsBroken?: string[];
}

/** What warmed the system up before the first measured step; counted in no step. */
export interface K6WarmUp {
  readonly modes: string[];
  readonly ratePerS: number;
  readonly seconds: number;
}

export interface K6Outcome {
  readonly exitCode: number;
  /** k6 exited 99: a threshold (the SLO of some step) broke; the figures are valid. */
  readonly thresholdsFailed: boolean;
  /** What k6/run.js's setup returned; `stepsStartedAtMs`: when its step clock began (epoch ms). */
  readonly setup: { productIds?: number[]; dataset?: string; stepsStartedAtMs?: number } | undefined;
  readonly steps: K6Step[];
  readonly warmUp?: K6WarmUp;
  readonly checks?: { passes: number; fails: number };
}

/** k6's exit code when a threshold failed (the run itself completed). */
export const THRESHOLDS_FAILED = 99;

/** A k6 run that did not complete (a script error, setup failed, interrupted): its figures are not results. */
export class K6RunError extends Error {
  override readonly name = 'K6RunError';
}

/** 0: every threshold held; 99: some SLO broke, figures valid; anything else: the run failed. */
export function classifyExit(code: number, name: string): { thresholdsFailed: boolean } {
  if (code === 0 || code === THRESHOLDS_FAILED) return { thresholdsFailed: code === THRESHOLDS_FAILED };
  throw new K6RunError(`k6 run ${name} failed with exit code ${code} (see its output above)`);
}

let k6Path: string | undefined;

/** The k6 executable: one on PATH, else the one infrastructure/k6/k6.sh builds (first use: minutes). */
export async function findK6(): Promise<string> {
  k6Path ??= (await runCommand('bash', [`${ROOT}/infrastructure/k6/k6.sh`, 'path'])).trim();
  return k6Path;
}

export interface K6Options {
  readonly dashboard?: boolean;
  /** Where a progress line goes every PROGRESS_EVERY_MS (none: no progress). */
  readonly say?: (line: string) => void;
}

/**
 * One k6 run. `name` names its files in `dir` (steps JSON, raw summary, dashboard HTML); k6's own
 * output goes to our stderr, prefixed; with `say`, a progress line every few seconds (watchProgress).
 */
export async function runK6(
  dir: string,
  name: string,
  env: Record<string, string>,
  options: K6Options | boolean = true,
): Promise<K6Outcome> {
  const { dashboard = true, say } = typeof options === 'boolean' ? { dashboard: options } : options;
  const summaryPath = path.join(dir, `${name}.k6-steps.json`);
  const k6 = await findK6();
  const k6Env: NodeJS.ProcessEnv = { ...process.env, ...env, SUMMARY_PATH: summaryPath, K6_NO_USAGE_REPORT: 'true' };
  if (dashboard)
    Object.assign(k6Env, {
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_PORT: '-1',
      K6_WEB_DASHBOARD_EXPORT: path.join(dir, `${name}.k6-dashboard.html`),
    });
  // Its REST API on a free port: two k6 runs never clash on 6565, and progress reads it.
  const address = `127.0.0.1:${await freePort()}`;
  const args = ['run', '--quiet', '--address', address, `${ROOT}/performance-tests/k6/run.js`];
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(k6, args, { env: k6Env, stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = (chunk: Buffer) => process.stderr.write(chunk.toString().replace(/^(?=.)/gm, `[k6 ${name}] `));
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    const progress = say ? watchProgress(`http://${address}`, (line) => say(`[k6 ${name}] ${line}`)) : undefined;
    child.once('error', (error) => {
      progress?.stop();
      reject(error);
    });
    child.once('exit', (code) => {
      progress?.stop();
      resolve(code ?? 1);
    });
  });
  const { thresholdsFailed } = classifyExit(exitCode, name);
  return { exitCode, thresholdsFailed, ...readSummary(summaryPath) };
}

function readSummary(summaryPath: string): Omit<K6Outcome, 'exitCode' | 'thresholdsFailed'> {
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as {
    setup?: K6Outcome['setup'];
    steps?: K6Step[];
    warmUp?: K6WarmUp;
    checks?: K6Outcome['checks'];
  };
  return {
    setup: summary.setup,
    steps: summary.steps ?? [],
    ...(summary.warmUp && { warmUp: summary.warmUp }),
    ...(summary.checks && { checks: summary.checks }),
  };
}

export async function k6Version(): Promise<string> {
  return (await runCommand(await findK6(), ['version'])).trim().split('\n')[0] ?? 'unknown';
}

const PROGRESS_EVERY_MS = 5_000;

/** One step of the plan k6's setup() hands back (run.js), on k6's step clock. */
export interface PlannedStep {
  readonly name: string;
  readonly mode: string;
  readonly rate: number;
  readonly startSeconds: number;
  readonly seconds: number;
  readonly warmUp: boolean;
}

/** What the progress line needs from one poll of k6's REST API. */
export interface LiveStep {
  /** Order POSTs answered 2xx or 409 so far in the step (what the summary's achieved rate counts). */
  readonly answered: number;
  /** The REST API's trend sample has p(90) and p(95), not p(99): the live line shows p95 and max. */
  readonly p95Ms?: number;
  readonly maxMs?: number;
}

/**
 * Polls k6's REST API (/v1/setup for the plan and its clock, /v1/metrics for the live figures)
 * and says, every PROGRESS_EVERY_MS, the current step, its offered rate, the rate achieved in it
 * so far, its latency so far, and the time left in the k6 run.
 */
function watchProgress(api: string, say: (line: string) => void): { stop(): void } {
  let plan: { steps: PlannedStep[]; startedAtMs: number } | undefined;
  const tick = async () => {
    plan ??= await readPlan(api);
    if (!plan) return;
    const elapsedS = (Date.now() - plan.startedAtMs) / 1000;
    const current = currentStep(plan.steps, elapsedS);
    const live = current && !current.warmUp ? await readLiveStep(api, current.name) : undefined;
    const inStepS = current ? Math.min(current.seconds, elapsedS - current.startSeconds) : 0;
    const rate = live && inStepS > 0.5 ? live.answered / inStepS : undefined;
    say(describeProgress(plan.steps, elapsedS, current, live, rate));
  };
  const timer = setInterval(() => void tick().catch(() => undefined), PROGRESS_EVERY_MS);
  return { stop: () => clearInterval(timer) };
}

async function readPlan(api: string) {
  const body = (await (await fetch(`${api}/v1/setup`, { signal: AbortSignal.timeout(1_000) })).json()) as {
    data?: { attributes?: { data?: { plan?: PlannedStep[]; stepsStartedAtMs?: number } } };
  };
  const data = body.data?.attributes?.data;
  return data?.plan && data.stepsStartedAtMs ? { steps: data.plan, startedAtMs: data.stepsStartedAtMs } : undefined;
}

async function readLiveStep(api: string, step: string): Promise<LiveStep> {
  const body = (await (await fetch(`${api}/v1/metrics`, { signal: AbortSignal.timeout(1_000) })).json()) as {
    data?: { id: string; attributes?: { sample?: Record<string, number> } }[];
  };
  return liveStepOf(body.data ?? [], step);
}

/** From /v1/metrics' entries: the step's order POSTs answered 2xx or 409 (per-status counts), its p95 and max. */
export function liveStepOf(
  metrics: readonly { id: string; attributes?: { sample?: Record<string, number> } }[],
  step: string,
): LiveStep {
  let answered = 0;
  let latency: Record<string, number> | undefined;
  for (const { id, attributes } of metrics) {
    const status = id.startsWith(`order_status{scenario:${step},status:`) ? /status:(\d+)\}$/.exec(id)?.[1] : undefined;
    if (status !== undefined && (status.startsWith('2') || status === '409'))
      answered += attributes?.sample?.['count'] ?? 0;
    if (id === `order_duration{scenario:${step}}`) latency = attributes?.sample;
  }
  const p95Ms = latency?.['p(95)'];
  const maxMs = latency?.['max'];
  return { answered, ...(p95Ms !== undefined && { p95Ms }), ...(maxMs !== undefined && { maxMs }) };
}

/** The step running at `elapsedS` on k6's step clock (the last one started, when several are). */
export function currentStep(steps: readonly PlannedStep[], elapsedS: number): PlannedStep | undefined {
  return steps.filter((s) => s.startSeconds <= elapsedS && elapsedS < s.startSeconds + s.seconds).at(-1);
}

export function describeProgress(
  steps: readonly PlannedStep[],
  elapsedS: number,
  current: PlannedStep | undefined,
  live: LiveStep | undefined,
  achievedRps: number | undefined,
): string {
  const end = Math.max(0, ...steps.map((s) => s.startSeconds + s.seconds));
  const left = Math.max(0, Math.round(end - elapsedS));
  const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left in this k6 run`;
  if (!current) return `between steps; ${clock}`;
  const index = steps.filter((s) => !s.warmUp).indexOf(current) + 1;
  if (current.warmUp) return `warm-up ${current.mode} @ ${current.rate}/s (not measured); ${clock}`;
  const measured = steps.filter((s) => !s.warmUp).length;
  const achieved = achievedRps === undefined ? '-' : achievedRps.toFixed(0);
  const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(0));
  const offered = current.rate > 0 ? `offered ${current.rate}/s` : 'closed loop';
  return `step ${index}/${measured} ${current.name}: ${offered}, achieved ${achieved}/s so far, p95 ${ms(live?.p95Ms)} ms, max ${ms(live?.maxMs)} ms (the step's p99 comes at its end); ${clock}`;
}
