/**
 * The summary of a run's folder, of any kind: its summary.json when it has one (a results folder
 * or a published one), else made from its result.json (runs written before summaries were).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RESULT_FILE, readRunResult } from './result.schema';
import { RUN_SUMMARY_FILE, summarizeRun } from './run-summary';
import { readKindedSummary, type KindedSummary } from './summary-kinds';

export function readRunDirSummary(dir: string): KindedSummary {
  const summaryFile = path.join(dir, RUN_SUMMARY_FILE);
  if (existsSync(summaryFile)) return readKindedSummary(summaryFile);
  if (!existsSync(path.join(dir, RESULT_FILE)))
    throw new Error(`${dir} holds neither ${RUN_SUMMARY_FILE} nor ${RESULT_FILE}`);
  const result = readRunResult(dir);
  const summary = summarizeRun(result, path.basename(dir));
  if (!summary) throw new Error(`${dir} is a ${result.scenario} run, which has no summary`);
  return summary.kind === 'capacity' ? { kind: 'capacity', summary } : { kind: 'load', summary };
}
