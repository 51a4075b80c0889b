/** What a scaling run that fails late leaves behind. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PARTIAL_SERIES_FILE, writePartialScalingRun } from '../scaling/scaling-partial-run';
import { scalingSeriesSchema } from '../scaling/scaling-summary.schema';
import { scalingSeriesFixture } from './support/scaling-fixture';

describe('a scaling run that fails late', () => {
  it('when series were finished before the failure, then they are kept with the failure', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scaling-partial-'));
    const finished = [scalingSeriesFixture()];

    expect(writePartialScalingRun(dir, finished, new Error('k6 exited 107'))).toBe(PARTIAL_SERIES_FILE);

    const kept = JSON.parse(readFileSync(path.join(dir, PARTIAL_SERIES_FILE), 'utf8')) as {
      failed: string;
      complete_series: unknown[];
    };
    expect(kept.failed).toBe('k6 exited 107');
    expect(kept.complete_series.map((series) => scalingSeriesSchema.parse(series))).toEqual(finished);
  });

  it('when nothing was finished, then nothing is written', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scaling-partial-'));
    expect(writePartialScalingRun(dir, [], new Error('no quota'))).toBeUndefined();
    expect(existsSync(path.join(dir, PARTIAL_SERIES_FILE))).toBe(false);
  });
});
