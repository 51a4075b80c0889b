/** From a capacity run's result.json to its summary.json (capacity-summary.schema.ts): no figure is made here, only picked. */
import { capacitySummarySchema, type CapacitySummary, type SummaryGoal } from './capacity-summary.schema';
import type { Goal, RunResult } from './result.schema';
import { summarizeMachine } from './summary-machine';

export const CAPACITY_SUMMARY_FILE = 'summary.json';

export function summarizeCapacityRun(result: RunResult, run: string): CapacitySummary {
  return capacitySummarySchema.parse({
    kind: 'capacity',
    run,
    command: result.command ?? `npm run perf -- ${result.scenario}`,
    started_at: result.startedAt,
    finished_at: result.finishedAt,
    duration_s: Math.round((Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000),
    machine: summarizeMachine(result.machine),
    settings: result.settings,
    goals: result.goals.flatMap(summarizeGoal),
    capacity: (result.capacity ?? []).map((entry) => ({ mode: entry.mode, max_rps: entry.maxRps, slo: entry.slo })),
    baselines: result.baselines.map((baseline) => ({ ...baseline, ratio: baseline.ratio ?? null })),
    sync_burst: result.syncBurst
      ? {
          orders_per_burst: result.syncBurst.ordersPerBurst,
          within_ms: result.syncBurst.withinMs,
          rounds: result.syncBurst.rounds.map((round) => ({
            sent: round.sent,
            created_within: round.createdWithin,
            statuses: round.statuses,
            p50_ms: round.latencyMs.p50,
            p99_ms: round.latencyMs.p99,
            max_ms: round.latencyMs.max,
            send_spread_ms: round.sendSpreadMs,
          })),
        }
      : null,
    notes: result.notes,
  });
}

/** Only the goals stated as figures (the capacity goals); others have no place in the summary. */
function summarizeGoal(goal: Goal): SummaryGoal[] {
  if (!goal.figure) return [];
  return [
    {
      figure: goal.name,
      goal: goal.target,
      bound: goal.figure.bound,
      value: goal.figure.value,
      unit: goal.figure.unit,
      inputs: goal.figure.inputs,
      measured: goal.measured,
      verdict: goal.met === null ? 'not measured' : goal.met ? 'met' : 'missed',
    },
  ];
}
