/** What a scaling run that fails late leaves in its results folder: no result.json or summary (it is not a whole run), only the series it finished. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScalingSeries } from './scaling-summary.schema';

/** Where a failed run leaves the series it finished. */
export const PARTIAL_SERIES_FILE = 'partial-series.json';

/**
 * A run that fails late keeps the series it finished, with the failure, so twenty minutes of
 * measurement are not lost. It is not a summary: perf:publish takes only a whole run. Returns
 * the file written, or undefined when no series was finished.
 */
export function writePartialScalingRun(
  dir: string,
  series: readonly ScalingSeries[],
  error: unknown,
): string | undefined {
  if (series.length === 0) return undefined;
  const failed = error instanceof Error ? error.message : String(error);
  writeFileSync(
    path.join(dir, PARTIAL_SERIES_FILE),
    `${JSON.stringify({ failed, complete_series: series }, null, 2)}\n`,
  );
  return PARTIAL_SERIES_FILE;
}
