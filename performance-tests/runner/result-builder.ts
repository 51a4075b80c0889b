/** From k6's per-step records and the runner's samples to the report's RunResult pieces. */
import os from 'node:os';
import type { Goal, RunResult, SeriesPoint, StepResult } from '../report/result.schema';
import type { K6Step } from './k6';
import { bucketQuantileMs, drainOf, histogramDelta, type ProcessReading } from './samplers';

import type { Slo } from './slo';

export { DEFAULT_SLO, SLO_FILE, SUSTAINED_SLO, readSlo, type Slo } from './slo';

export function describeSlo(slo: Slo): string {
  const parts = [
    `p99 ≤ ${slo.p99Ms} ms`,
    `errors < ${slo.maxErrorRate * 100}%`,
    `dropped ≤ ${slo.maxDroppedShare * 100}%`,
    ...(slo.e2eP99Ms === undefined ? [] : [`end-to-end p99 ≤ ${slo.e2eP99Ms} ms`]),
    ...(slo.maxDrainS === undefined ? [] : [`lag back to 0 within ${slo.maxDrainS} s`]),
  ];
  return parts.join(', ');
}

/**
 * Why a step did not hold the SLO (empty: it held): latency, errors, refusals (a step of 409s
 * measured no orders), k6 keeping up with the offered rate; with the worker running, also the
 * end-to-end latency of the followed orders and `drainS`, the seconds from the step's end until
 * the consumer lag was 0 (undefined: it was not).
 */
export function sloMisses(step: K6Step, slo: Slo, drainS?: number, workerE2e?: StepResult['workerE2eMs']): string[] {
  const offered = step.offeredRps * step.durationS;
  const p99 = step.latencyMs?.p99;
  const misses = [
    ...(step.requests === 0 ? ['no request was answered'] : []),
    ...(p99 === undefined || p99 > slo.p99Ms ? [`p99 ${p99 ?? '-'} ms > ${slo.p99Ms} ms`] : []),
    ...(step.errorRate >= slo.maxErrorRate ? [`errors ${percent(step.errorRate)} ≥ ${percent(slo.maxErrorRate)}`] : []),
    ...(step.rejectedRate > slo.maxRejectedShare
      ? [`${percent(step.rejectedRate)} refused (409): it measured refusals, not orders`]
      : []),
    ...(step.droppedIterations > offered * slo.maxDroppedShare
      ? [`${step.droppedIterations} dropped iterations > ${percent(slo.maxDroppedShare)} of ${offered} offered`]
      : []),
    ...endToEndMisses(step, slo),
    ...workerEndToEndMisses(workerE2e, slo),
  ];
  if (slo.maxDrainS !== undefined && (drainS === undefined || drainS > slo.maxDrainS))
    misses.push(drainS === undefined ? 'lag never back to 0' : `lag back to 0 after ${drainS} s > ${slo.maxDrainS} s`);
  return misses;
}

export function heldSlo(step: K6Step, slo: Slo, drainS?: number): boolean {
  return sloMisses(step, slo, drainS).length === 0;
}

function endToEndMisses(step: K6Step, slo: Slo): string[] {
  if (slo.e2eP99Ms === undefined) return [];
  if (!step.e2eMs?.count) return ['no followed order reached its final status'];
  return [
    ...(step.e2eMs.p99 > slo.e2eP99Ms ? [`end-to-end p99 ${step.e2eMs.p99} ms > ${slo.e2eP99Ms} ms`] : []),
    ...(step.notFinal > 0 ? [`${step.notFinal} followed orders not final`] : []),
  ];
}

/** The worker's own histogram, when sampled: its p99 bucket's upper bound must be within the bound too. */
function workerEndToEndMisses(workerE2e: StepResult['workerE2eMs'], slo: Slo): string[] {
  if (slo.e2eP99Ms === undefined || !workerE2e) return [];
  const p99 = workerE2e.p99;
  return p99 === null || p99 > slo.e2eP99Ms
    ? [`worker end-to-end p99 ≤ ${p99 ?? '∞'} ms (bucket bound) > ${slo.e2eP99Ms} ms`]
    : [];
}

const percent = (share: number) => `${Math.round(share * 10000) / 100}%`;

const ZERO_LATENCY = { avg: 0, p50: 0, p95: 0, p99: 0, max: 0 };

/** The process readings (samplers.ts) of the run, and when this step's window ends (default: its end, plus its drain). */
export interface StepSamples {
  readonly readings: readonly ProcessReading[];
  readonly windowEndS?: number;
  /** The requests that shared the window's CPU: this step's and those of steps run beside it (default: its own). */
  readonly requestsInWindow?: number;
}

/**
 * A k6 step as the report shows it; `offsetS` moves k6's clock (0 = end of its setup) onto the
 * run's, the lag samples give async steps their drain time, and the process readings their CPU
 * per request, event-loop lag and the worker's own end-to-end latency.
 */
export function toStepResult(
  step: K6Step,
  offsetS: number,
  lag: readonly SeriesPoint[],
  slo?: Slo,
  samples?: StepSamples,
): StepResult {
  const startS = Math.max(0, Math.round((step.startS + offsetS) * 10) / 10);
  const drain = step.mode.startsWith('async') && lag.length > 0 ? drainOf(lag, startS + step.durationS) : undefined;
  const { count: _count, ...latency } = step.latencyMs ?? { ...ZERO_LATENCY, count: 0 };
  const windowEndS = samples?.windowEndS ?? startS + step.durationS + (drain?.seconds ?? 0) + 1;
  const processes = samples
    ? figuresOfProcesses(samples.readings, startS, windowEndS, {
        mode: step.mode,
        requests: samples.requestsInWindow ?? step.requests,
      })
    : {};
  const misses = slo ? sloMisses(step, slo, drain?.seconds, processes.workerE2eMs) : undefined;
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
    ...(drain && { drainS: drain.seconds, ...(drain.belowResolution && { drainBelowResolution: true }) }),
    ...(misses && { sloMet: misses.length === 0, sloMisses: misses }),
    ...(step.polls !== undefined && { polls: step.polls, pollShare: step.pollShare ?? 0 }),
    ...processes,
  };
}

/** CPU ms per request and the highest event-loop lag of each process in [fromS, toS]; the worker's e2e histogram. */
export function figuresOfProcesses(
  readings: readonly ProcessReading[],
  fromS: number,
  toS: number,
  step: Pick<K6Step, 'requests' | 'mode'>,
): Pick<StepResult, 'cpuMsPerRequest' | 'eventLoopLagP99Ms' | 'workerE2eMs'> {
  const cpuMsPerRequest: Record<string, number> = {};
  const eventLoopLagP99Ms: Record<string, number> = {};
  for (const name of new Set(readings.map((r) => r.name))) {
    const own = readings.filter((r) => r.name === name);
    const inside = own.filter((r) => r.t > fromS && r.t <= toS);
    const before = own.findLast((r) => r.t <= fromS);
    const series = before ? [before, ...inside] : inside;
    let cpuMs = 0;
    for (let i = 1; i < series.length; i += 1) {
      const [a, b] = [series[i - 1]!, series[i]!];
      if (a.pid === b.pid && a.cpuMs !== undefined && b.cpuMs !== undefined) cpuMs += b.cpuMs - a.cpuMs;
    }
    if (step.requests > 0 && series.length > 1)
      cpuMsPerRequest[name] = Math.round((cpuMs / step.requests) * 1000) / 1000;
    const lags = inside.flatMap((r) => (r.loopLagP99Ms === undefined ? [] : [r.loopLagP99Ms]));
    if (lags.length > 0) eventLoopLagP99Ms[name] = Math.max(...lags);
  }
  const workerE2eMs = step.mode.startsWith('async') ? workerEndToEnd(readings, fromS, toS) : undefined;
  return {
    ...(Object.keys(cpuMsPerRequest).length > 0 && { cpuMsPerRequest }),
    ...(Object.keys(eventLoopLagP99Ms).length > 0 && { eventLoopLagP99Ms }),
    ...(workerE2eMs && { workerE2eMs }),
  };
}

/** The worker's order_async_end_to_end_seconds over [fromS, toS]: bucket counts after minus before. */
function workerEndToEnd(readings: readonly ProcessReading[], fromS: number, toS: number): StepResult['workerE2eMs'] {
  const own = readings.filter((r) => r.endToEnd !== undefined);
  const before = own.findLast((r) => r.t <= fromS);
  const after = own.findLast((r) => r.t <= toS && r.t > fromS);
  if (!after?.endToEnd) return undefined;
  const delta = histogramDelta(before?.pid === after.pid ? before.endToEnd : undefined, after.endToEnd);
  const count = delta.cumulative.at(-1) ?? 0;
  if (count === 0) return undefined;
  const at = (q: number) => bucketQuantileMs(delta, q) ?? null;
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    count,
    resolution: `bucket upper bounds (${delta.bounds
      .filter(Number.isFinite)
      .map((b) => b * 1000)
      .join(', ')} ms)`,
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
  /^(CAPACITY_\w+|SCALING_\w+|SLO_\w+|WARMUP_\w+|SATURATE_\w+|SYNC_BURST_\w+|BURST_\w+|SPIKE_\w+|SOAK_\w+|PROFILE_\w+|POLL_\w+|E2E_SAMPLE|MAX_VUS|REQUEST_TIMEOUT|MODES|RATES|STEP_SECONDS|GAP_SECONDS|BASELINES|BASE_URL|DATASET|PERF_LOG_LEVEL)$/;

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
