/** Published summaries of every kind, folders to publish them in, and results folders to publish from. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outboxSummarySchema, type OutboxSummary } from '../../outbox/outbox-summary.schema';
import type { LoadSummary } from '../../report/load-summary.schema';
import { summarizeLoadRun } from '../../report/load-summary';
import { parseRunResult, type RunResult } from '../../report/result.schema';
import { loadCompareResult } from './report-fixture';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** A real compare run on the contention data set (RATES=50,100, trimmed samples): sync refused with 409s. */
export function loadContentionResult(): RunResult {
  const file = join(FIXTURES, 'contention-compare-result.json');
  return parseRunResult(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** A real `BURST=300 CONCURRENCY=10 npm run perf:outbox` summary. */
export function loadOutboxSummary(): OutboxSummary {
  return outboxSummarySchema.parse(JSON.parse(readFileSync(join(FIXTURES, 'outbox-summary.json'), 'utf8')));
}

/** The compare fixture (sync and async at 50–400/s) as a load run on the default data set. */
export function makeCompareSummary(
  run = '2026-11-30T15-00-00-compare',
  overrides: Partial<RunResult> = {},
): LoadSummary {
  return summarizeLoadRun(
    { ...loadCompareResult(), command: 'RATES=50,100,200,400 npm run perf -- compare', ...overrides },
    run,
  );
}

/** The same compare run recast as a spike or soak run (its steps stand for phases or slices). */
export function makeLoadSummary(scenario: 'spike' | 'soak', run: string): LoadSummary {
  return makeCompareSummary(run, { scenario, command: `npm run perf -- ${scenario}` });
}

/** A fresh, empty runs folder for each test of the calling describe (removed after it): call `runsDir()` inside a test. */
export function useRunsDir(): () => string {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'perf-runs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

export function publishSummary(runsDir: string, folder: string, summary: unknown): string {
  const dir = join(runsDir, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  return dir;
}

/** A results folder holding only `result.json`, as a run written before summaries existed. */
export function writeResultFolder(parent: string, folder: string, result: RunResult): string {
  const dir = join(parent, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result));
  return dir;
}
