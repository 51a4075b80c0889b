/**
 * A run's summary.json from its result.json, by scenario: a capacity run's (capacity-summary.ts)
 * or a compare, spike or soak run's (load-summary.ts). A smoke or profile run leaves none.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CapacitySummary } from './capacity-summary.schema';
import { summarizeCapacityRun } from './capacity-summary';
import type { LoadSummary } from './load-summary.schema';
import { isLoadScenario, summarizeLoadRun } from './load-summary';
import type { RunResult } from './result.schema';

export const RUN_SUMMARY_FILE = 'summary.json';

export type RunSummary = CapacitySummary | LoadSummary;

/** The summary of `result` (named `run`, its results folder's name); undefined for a scenario that has none. */
export function summarizeRun(result: RunResult, run: string): RunSummary | undefined {
  if (result.scenario === 'capacity') return summarizeCapacityRun(result, run);
  if (isLoadScenario(result.scenario)) return summarizeLoadRun(result, run);
  return undefined;
}

/** Writes `<dir>/summary.json` when the run has a summary; returns it. */
export function writeRunSummary(dir: string, result: RunResult): RunSummary | undefined {
  const summary = summarizeRun(result, path.basename(dir));
  if (summary) writeFileSync(path.join(dir, RUN_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
