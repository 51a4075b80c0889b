/** From k6's per-step records and the runner's samples to the report's RunResult pieces. */
import os from 'node:os';
import type { Goal, RunResult, SeriesPoint, StepResult } from '../report/result.schema';
import type { K6Step } from './k6';
import { drainSeconds } from './samplers';

export interface Slo {
  readonly p99Ms: number;
  readonly maxErrorRate: number;
  /** Share of the offered iterations k6 may fail to start before the step counts as not held. */
  readonly maxDroppedShare: number;
  /** Async with the worker running: p99 of the followed orders' end-to-end latency, none left unfinished. */
  readonly e2eP99Ms?: number;
  /** Async with the worker running: seconds after the step's end by which the consumer lag is back to 0. */
  readonly maxDrainS?: number;
}

/** The SLO of compare, capacity, spike and soak: SLO_P99_MS, SLO_MAX_ERROR_RATE, SLO_MAX_DROPPED_SHARE. */
export const DEFAULT_SLO: Slo = Object.freeze({
  p99Ms: Number(process.env['SLO_P99_MS'] ?? 100),
  maxErrorRate: Number(process.env['SLO_MAX_ERROR_RATE'] ?? 0.001),
  maxDroppedShare: Number(process.env['SLO_MAX_DROPPED_SHARE'] ?? 0.01),
});

export function describeSlo(slo: Slo): string {
  const parts = [
    `p99 ≤ ${slo.p99Ms} ms`,
    `errors < ${slo.maxErrorRate * 100}%`,
    `dropped < ${slo.maxDroppedShare * 100}%`,
    ...(slo.e2eP99Ms === undefined ? [] : [`end-to-end p99 ≤ ${slo.e2eP99Ms} ms`]),
    ...(slo.maxDrainS === undefined ? [] : [`lag back to 0 within ${slo.maxDrainS} s`]),
  ];
  return parts.join(', ');
}

/**
 * Whether a step held the SLO: latency, errors, and k6 keeping up with the offered rate; with the
 * worker running, also the end-to-end latency of the followed orders and `drainS`, the seconds
 * from the step's end until the consumer lag was 0 (undefined: it was not).
 */
export function heldSlo(step: K6Step, slo: Slo, drainS?: number): boolean {
  const offered = step.offeredRps * step.durationS;
  return (
    step.requests > 0 &&
    (step.latencyMs?.p99 ?? Infinity) <= slo.p99Ms &&
    step.errorRate < slo.maxErrorRate &&
    step.droppedIterations <= offered * slo.maxDroppedShare &&
    heldEndToEnd(step, slo) &&
    (slo.maxDrainS === undefined || (drainS !== undefined && drainS <= slo.maxDrainS))
  );
}

function heldEndToEnd(step: K6Step, slo: Slo): boolean {
  if (slo.e2eP99Ms === undefined) return true;
  return (step.e2eMs?.count ?? 0) > 0 && step.e2eMs!.p99 <= slo.e2eP99Ms && step.notFinal === 0;
}

const ZERO_LATENCY = { avg: 0, p50: 0, p95: 0, p99: 0, max: 0 };

/**
 * A k6 step as the report shows it; `offsetS` moves k6's clock (0 = end of its setup) onto the
 * run's, and the lag samples give async steps their drain time.
 */
export function toStepResult(step: K6Step, offsetS: number, lag: readonly SeriesPoint[], slo?: Slo): StepResult {
  const startS = Math.max(0, Math.round((step.startS + offsetS) * 10) / 10);
  const drain =
    step.mode.startsWith('async') && lag.length > 0 ? drainSeconds(lag, startS + step.durationS) : undefined;
  const { count: _count, ...latency } = step.latencyMs ?? { ...ZERO_LATENCY, count: 0 };
  return {
    mode: step.mode,
    label: step.offeredRps > 0 ? `${step.mode} @ ${step.offeredRps}/s` : step.name,
    offeredRps: step.offeredRps,
    startS,
    durationS: step.durationS,
    achievedRps: step.achievedRps,
    requests: step.requests,
    latencyMs: latency,
    statuses: step.statuses ?? {},
    errorRate: step.errorRate,
    rejectedRate: step.rejectedRate,
    rate503: step.rate503,
    droppedIterations: step.droppedIterations,
    ...(step.e2eMs && { e2eMs: step.e2eMs }),
    ...(drain !== undefined && { drainS: drain }),
    ...(slo && { sloMet: heldSlo(step, slo, drain) }),
  };
}

export function describeMachine(k6: string): RunResult['machine'] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    k6,
    os: `${os.type()} ${os.release()}`,
  };
}

export function goal(name: string, target: string, measured: string, met: boolean | null, note?: string): Goal {
  return { name, target, measured, met, ...(note && { note }) };
}

export const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);

/** Settings read from the environment by the runner or k6 (lib/config.js): named in the run's command. */
const SETTING_NAMES =
  /^(CAPACITY_\w+|SLO_\w+|SATURATE_\w+|SYNC_BURST_\w+|BURST_\w+|SPIKE_\w+|SOAK_\w+|PROFILE_\w+|POLL_\w+|E2E_SAMPLE|MAX_VUS|REQUEST_TIMEOUT|MODES|RATES|STEP_SECONDS|GAP_SECONDS|BASELINES|BASE_URL|DATASET|PERF_LOG_LEVEL)$/;

/** e.g. `CAPACITY_PROBE_SECONDS=5 npm run perf -- capacity`: the command that reproduces a run. */
export function describeCommand(argv: readonly string[], environment: NodeJS.ProcessEnv = process.env): string {
  const settings = Object.keys(environment)
    .filter((name) => SETTING_NAMES.test(name) && environment[name] !== '')
    .sort()
    .map((name) => `${name}=${quoteForShell(environment[name]!)}`);
  return [...settings, 'npm run perf --', ...argv.map(quoteForShell)].join(' ');
}

function quoteForShell(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
