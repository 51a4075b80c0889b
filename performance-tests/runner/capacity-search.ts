/**
 * The highest offered rate a target holds its SLO at: stepping up (×2) from a start rate, then
 * bisecting between the last rate that held and the first that did not; one short k6 run per
 * probe. On a shared machine one noisy probe must not set a capacity: a rate that missed by a
 * little is probed again (up to `missRepeats` times) before the miss counts; a rate that missed
 * by far counts at once, so the repeats cost time only near the capacity.
 */
import type { StepResult } from '../report/result.schema';
import type { K6Step } from './k6';
import { sleep } from './processes';
import { describeSlo, type Slo } from './result-builder';
import { awaitDrained, runK6Step, stepResults, type RunContext } from './run-context';

const SETTLE_AFTER_MISS_MS = 5_000;

export interface SearchSettings {
  readonly startRate: number;
  readonly maxRate: number;
  readonly bisections: number;
  readonly probeSeconds: number;
  /** Probe a rate that missed by a little again before believing it (`missRepeats` times; default 1). */
  readonly confirmFirstMiss: boolean;
  /** How many more probes a marginal miss gets (0: none); ignored when confirmFirstMiss is false. */
  readonly missRepeats?: number;
  /** An unmeasured warm-up of the target's mode at the start of the search's first probe, seconds (0: none). */
  readonly warmUpSeconds?: number;
  /**
   * At least this many requests per probe (a low rate's probe is lengthened, up to 30 s): a p99 of
   * 80 requests is their maximum, and one pause would decide the probe.
   */
  readonly minRequests?: number;
  /**
   * Probe the doubling's first miss again even when it missed by far (the scaling run: the first
   * probe under a fresh CPU quota can be an outlier, and that miss would cap the search below it).
   */
  readonly confirmClearFirstMiss?: boolean;
}

const MAX_PROBE_SECONDS = 30;

/** The probe's length at `rate`: `probeSeconds`, or longer for `minRequests`. */
export function probeSecondsAt(settings: SearchSettings, rate: number): number {
  const needed = settings.minRequests === undefined ? 0 : Math.ceil(settings.minRequests / Math.max(1, rate));
  return Math.max(settings.probeSeconds, Math.min(MAX_PROBE_SECONDS, needed));
}

/** What is searched: `name` in the report, `k6Mode` the k6 mode sent (e.g. async-sustained sends async). */
export interface SearchTarget {
  readonly name: string;
  readonly k6Mode: string;
  readonly slo: Slo;
  /** Share of async orders followed to their final status (0: none, acceptance alone). */
  readonly e2eSample: number;
}

/** When a probe's measured step ran, in epoch ms (k6's start-up, set-up and warm-up are outside it). */
export interface ProbeSpan {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Told around every probe (its k6 run and the drain after it): e.g. to read what the probe's load used. */
export interface ProbeObserver {
  started(): void;
  /** `span`: the measured step's own time, when k6 reported when its steps began. */
  ended(rate: number, held: boolean, span: ProbeSpan | undefined): void;
}

export interface Search {
  readonly mode: string;
  readonly slo: Slo;
  readonly maxRps: number;
  readonly probes: K6Step[];
}

/** Beyond these multiples of its bounds a miss is not noise: no repeat. */
const CLEAR_MISS = { p99: 2, errors: 10, dropped: 5, e2e: 2 };

/**
 * Whether a probe missed by far: p99 over twice its bound, errors over ten times theirs, dropped
 * iterations over five times theirs, or the end-to-end p99 over twice its bound.
 */
export function missedClearly(step: K6Step | undefined, slo: Slo): boolean {
  if (!step || step.requests === 0) return true;
  const offered = step.offeredRps * step.durationS;
  return (
    (step.latencyMs?.p99 ?? Infinity) > slo.p99Ms * CLEAR_MISS.p99 ||
    step.errorRate >= slo.maxErrorRate * CLEAR_MISS.errors ||
    step.droppedIterations > offered * slo.maxDroppedShare * CLEAR_MISS.dropped ||
    step.rejectedRate > slo.maxRejectedShare ||
    (slo.e2eP99Ms !== undefined && (step.e2eMs?.p99 ?? Infinity) > slo.e2eP99Ms * CLEAR_MISS.e2e)
  );
}

export async function searchCapacity(
  ctx: RunContext,
  target: SearchTarget,
  settings: SearchSettings,
  steps: StepResult[],
  observer?: ProbeObserver,
): Promise<Search> {
  const probes: K6Step[] = [];
  const probe = prober(ctx, target, settings, observer, (step, results) => {
    steps.push(...results);
    if (step) probes.push(step);
  });
  let held = 0;
  let missed: number | undefined;
  for (let rate = settings.startRate; rate <= settings.maxRate; rate *= 2) {
    if (!(await probe(rate, settings.confirmClearFirstMiss === true))) {
      missed = rate;
      break;
    }
    held = rate;
  }
  for (
    let round = 0;
    missed !== undefined && round < settings.bisections && missed - held > Math.max(2, held * 0.05);
    round += 1
  ) {
    const middle = Math.round((held + missed) / 2);
    if (await probe(middle)) held = middle;
    else missed = middle;
  }
  ctx.say(`capacity of ${target.name} at ${describeSlo(target.slo)}: ${held}/s`);
  return { mode: target.name, slo: target.slo, maxRps: held, probes };
}

/**
 * `probe(rate)`: true when a probe at `rate` held, or a marginal miss was held by a repeat; a
 * clear miss is believed at once. The search's first probe begins with its warm-up.
 */
function prober(
  ctx: RunContext,
  target: SearchTarget,
  settings: SearchSettings,
  observer: ProbeObserver | undefined,
  record: (step: K6Step | undefined, results: StepResult[]) => void,
): (rate: number, repeatClear?: boolean) => Promise<boolean> {
  const repeats = settings.confirmFirstMiss ? (settings.missRepeats ?? 1) : 0;
  let warmUpSeconds = settings.warmUpSeconds ?? 0;
  const probeOnce = async (rate: number, attempt: number) => {
    observer?.started();
    const { step, result, span } = await runProbe(ctx, target, settings, rate, attempt, warmUpSeconds);
    warmUpSeconds = 0;
    record(step, result);
    const held = result[0]?.sloMet === true;
    observer?.ended(rate, held, span);
    ctx.say(`${target.name} @ ${rate}/s: ${describeProbe(step, result[0])} → ${held ? 'held' : 'missed'}`);
    // A probe over capacity leaves queues behind it (in-flight requests, pools, the broker): let them settle.
    if (!held) await sleep(SETTLE_AFTER_MISS_MS);
    return { held, clear: !held && missedClearly(step, target.slo) };
  };
  return async (rate, repeatClear = false) => {
    for (let attempt = 0; ; attempt += 1) {
      const { held, clear } = await probeOnce(rate, attempt);
      if (held) return true;
      if ((clear && !repeatClear) || attempt >= Math.max(repeats, repeatClear ? 1 : 0)) return false;
      ctx.say(
        `${target.name} @ ${rate}/s: ${clear ? 'a miss by far' : 'a marginal miss'}; probing again (${attempt + 1}/${Math.max(repeats, 1)}) before counting it`,
      );
    }
  };
}

/** One k6 run at `rate`, then the backlog drained (when the worker runs), so its lag is read to the end. */
async function runProbe(
  ctx: RunContext,
  target: SearchTarget,
  settings: SearchSettings,
  rate: number,
  attempt: number,
  warmUpSeconds: number,
) {
  const outcome = await runK6Step(
    ctx,
    `capacity-${target.name}-p${target.slo.p99Ms}-${rate}${attempt > 0 ? `-again${attempt > 1 ? attempt : ''}` : ''}`,
    {
      SCENARIO: 'capacity',
      MODES: target.k6Mode,
      RATES: String(rate),
      STEP_SECONDS: String(probeSecondsAt(settings, rate)),
      GAP_SECONDS: '0',
      WARMUP_SECONDS: String(warmUpSeconds),
      // k6's thresholds hold the target's SLO, whatever lib/slo.json's default is.
      SLO_P99_MS: String(target.slo.p99Ms),
      // k6's thresholds then hold the end-to-end SLO too (lib/slo.json's `sustained`).
      SLO_SUSTAINED: target.slo.e2eP99Ms === undefined ? 'off' : 'on',
      // With the worker paused, following orders to the end would poll forever; acceptance is measured.
      E2E_SAMPLE: String(target.e2eSample),
    },
    false,
  );
  await awaitDrained(ctx);
  const renamed = { ...outcome, steps: outcome.steps.map((step) => ({ ...step, mode: target.name })) };
  const stepsAt = outcome.setup?.stepsStartedAtMs;
  const first = outcome.steps[0];
  const span =
    stepsAt !== undefined && first
      ? { fromMs: stepsAt + first.startS * 1000, toMs: stepsAt + (first.startS + first.durationS) * 1000 }
      : undefined;
  return { step: renamed.steps[0], result: stepResults(ctx, renamed, target.slo), span };
}

function describeProbe(step: K6Step | undefined, result: StepResult | undefined): string {
  const parts = [
    `p99 ${step?.latencyMs?.p99 ?? '-'} ms`,
    `errors ${((step?.errorRate ?? 1) * 100).toFixed(2)}%`,
    `dropped ${step?.droppedIterations ?? '-'}`,
    ...(step?.e2eMs ? [`polled e2e p99 ${step.e2eMs.p99} ms (${step.notFinal} not final)`] : []),
    ...(result?.workerE2eMs ? [`worker e2e p99 ≤ ${result.workerE2eMs.p99 ?? '>120000'} ms`] : []),
    ...(result?.drainS !== undefined
      ? [`lag 0 after ${result.drainBelowResolution ? "< 1 s (the sampler's resolution)" : `${result.drainS} s`}`]
      : []),
    ...(result?.sloMisses?.length ? [`missed: ${result.sloMisses.join('; ')}`] : []),
  ];
  return parts.join(', ');
}
