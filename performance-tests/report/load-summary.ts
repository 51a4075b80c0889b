/** From a compare, spike or soak run's result.json to its summary.json (load-summary.schema.ts): figures picked, none made. */
import {
  LOAD_SCENARIOS,
  loadSummarySchema,
  type LoadScenario,
  type LoadStepSummary,
  type LoadSummary,
} from './load-summary.schema';
import type { RunResult, StepResult } from './result.schema';
import { summarizeMachine } from './summary-machine';

export const DEFAULT_DATASET = 'default';

export function isLoadScenario(scenario: string): scenario is LoadScenario {
  return (LOAD_SCENARIOS as readonly string[]).includes(scenario);
}

export function summarizeLoadRun(result: RunResult, run: string): LoadSummary {
  if (!isLoadScenario(result.scenario))
    throw new Error(`a ${result.scenario} run is not a load run (${LOAD_SCENARIOS.join(', ')})`);
  const command = result.command ?? `npm run perf -- ${result.scenario}`;
  return loadSummarySchema.parse({
    kind: 'load',
    run,
    scenario: result.scenario,
    dataset: datasetOf(result.settings, command),
    command,
    started_at: result.startedAt,
    finished_at: result.finishedAt,
    duration_s: Math.round((Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000),
    machine: summarizeMachine(result.machine),
    settings: result.settings,
    warm_ups: (result.warmUps ?? []).map((warmUp) => ({
      modes: warmUp.modes,
      rate_per_s: warmUp.ratePerS,
      seconds: warmUp.seconds,
    })),
    steps: result.steps.map(summarizeStep),
    baselines: result.baselines.map((baseline) => ({ ...baseline, ratio: baseline.ratio ?? null })),
    notes: result.notes,
  });
}

/** The settings' data set; older runs name it only in their command (`--dataset x` or `DATASET=x`). */
export function datasetOf(settings: Readonly<Record<string, unknown>>, command: string): string {
  if (typeof settings['dataset'] === 'string' && settings['dataset'] !== '') return settings['dataset'];
  const named = /(?:--dataset[ =]|\bDATASET=)'?([\w-]+)/.exec(command);
  return named?.[1] ?? DEFAULT_DATASET;
}

function summarizeStep(step: StepResult): LoadStepSummary {
  return {
    mode: step.mode,
    label: step.label,
    offered_rps: step.offeredRps,
    achieved_rps: step.achievedRps,
    requests: step.requests,
    start_s: step.startS,
    duration_s: step.durationS,
    p50_ms: step.latencyMs.p50,
    p95_ms: step.latencyMs.p95,
    p99_ms: step.latencyMs.p99,
    max_ms: step.latencyMs.max,
    error_share: step.errorRate,
    share_503: step.rate503,
    share_409: step.rejectedRate ?? null,
    dropped: step.droppedIterations,
    e2e: step.e2eMs ? { p50_ms: step.e2eMs.p50, p99_ms: step.e2eMs.p99, count: step.e2eMs.count } : null,
    worker_e2e: step.workerE2eMs
      ? { p50_ms: step.workerE2eMs.p50, p99_ms: step.workerE2eMs.p99, count: step.workerE2eMs.count }
      : null,
    drain_s: step.drainS ?? null,
    poll_share: step.pollShare ?? null,
    slo_met: step.sloMet ?? null,
    slo_misses: step.sloMisses ?? [],
  };
}
