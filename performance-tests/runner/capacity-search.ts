/**
 * The highest offered rate a target holds its SLO at: stepping up (×2) from a start rate, then
 * bisecting between the last rate that held and the first that did not; one short k6 run per probe.
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
  /** Probe the first rate that missed once more before believing it. */
  readonly confirmFirstMiss: boolean;
}

/** What is searched: `name` in the report, `k6Mode` the k6 mode sent (e.g. async-sustained sends async). */
export interface SearchTarget {
  readonly name: string;
  readonly k6Mode: string;
  readonly slo: Slo;
  /** Share of async orders followed to their final status (0: none, acceptance alone). */
  readonly e2eSample: number;
}

export interface Search {
  readonly mode: string;
  readonly slo: Slo;
  readonly maxRps: number;
  readonly probes: K6Step[];
}

export async function searchCapacity(
  ctx: RunContext,
  target: SearchTarget,
  settings: SearchSettings,
  steps: StepResult[],
): Promise<Search> {
  const probes: K6Step[] = [];
  const probe = async (rate: number, again = false) => {
    const { step, result } = await runProbe(ctx, target, settings, rate, again);
    steps.push(...result);
    if (step) probes.push(step);
    const held = result[0]?.sloMet === true;
    ctx.say(`${target.name} @ ${rate}/s: ${describeProbe(step, result[0])} → ${held ? 'held' : 'missed'}`);
    // A probe over capacity leaves queues behind it (in-flight requests, pools, the broker): let them settle.
    if (!held) await sleep(SETTLE_AFTER_MISS_MS);
    return held;
  };
  let held = 0;
  let missed: number | undefined;
  for (let rate = settings.startRate; rate <= settings.maxRate; rate *= 2) {
    // The first miss sets the bracket the bisection stays in: on a shared machine one noisy probe
    // would cap the capacity there, so it counts only when a second probe at that rate misses too.
    if (!(await probe(rate)) && !(settings.confirmFirstMiss && (await confirmMiss(ctx, target, rate, probe)))) {
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

/** True when a second probe at `rate` held (the first miss was noise). */
async function confirmMiss(
  ctx: RunContext,
  target: SearchTarget,
  rate: number,
  probe: (rate: number, again: boolean) => Promise<boolean>,
): Promise<boolean> {
  ctx.say(`${target.name} @ ${rate}/s: probing again before counting the miss`);
  return probe(rate, true);
}

/** One k6 run at `rate`, then the backlog drained (when the worker runs), so its lag is read to the end. */
async function runProbe(ctx: RunContext, target: SearchTarget, settings: SearchSettings, rate: number, again: boolean) {
  const outcome = await runK6Step(
    ctx,
    `capacity-${target.name}-p${target.slo.p99Ms}-${rate}${again ? '-again' : ''}`,
    {
      SCENARIO: 'capacity',
      MODES: target.k6Mode,
      RATES: String(rate),
      STEP_SECONDS: String(settings.probeSeconds),
      GAP_SECONDS: '0',
      // With the worker paused, following orders to the end would poll forever; acceptance is measured.
      E2E_SAMPLE: String(target.e2eSample),
    },
    false,
  );
  await awaitDrained(ctx);
  const renamed = { ...outcome, steps: outcome.steps.map((step) => ({ ...step, mode: target.name })) };
  return { step: renamed.steps[0], result: stepResults(ctx, renamed, target.slo) };
}

function describeProbe(step: K6Step | undefined, result: StepResult | undefined): string {
  const parts = [
    `p99 ${step?.latencyMs?.p99 ?? '-'} ms`,
    `errors ${((step?.errorRate ?? 1) * 100).toFixed(2)}%`,
    `dropped ${step?.droppedIterations ?? '-'}`,
    ...(step?.e2eMs ? [`e2e p99 ${step.e2eMs.p99} ms (${step.notFinal} not final)`] : []),
    ...(result?.drainS !== undefined ? [`lag 0 after ${result.drainS} s`] : []),
  ];
  return parts.join(', ');
}
