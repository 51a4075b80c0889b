import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { summarizeCapacityRun } from '../report/capacity-summary';
import { summarizeLoadRun } from '../report/load-summary';
import { newestLoadRun, readPublishedRuns } from '../report/published-runs';
import { makeCapacityResult } from './support/capacity-fixture';
import { scalingSummaryFixture } from './support/scaling-fixture';
import {
  loadContentionResult,
  loadOutboxSummary,
  makeCompareSummary,
  makeLoadSummary,
  publishSummary,
  useRunsDir,
} from './support/summary-fixture';

const GATEWAY = { scenario: 'gateway', command: 'npm run perf:gateway', variants: [] };

describe('readPublishedRuns', () => {
  const runsDir = useRunsDir();

  test('when runs of every kind are published, then each is selected by its kind, not by its folder name', () => {
    publishSummary(runsDir(), '2026-11-30T10-00-00-capacity', summarizeCapacityRun(makeCapacityResult(), 'c'));
    publishSummary(runsDir(), '2026-11-30T11-00-00-gateway', GATEWAY);
    publishSummary(runsDir(), '2026-11-30T12-00-00-compare', makeCompareSummary('2026-11-30T12-00-00-compare'));
    publishSummary(runsDir(), '2026-11-30T13-00-00-outbox', loadOutboxSummary());
    publishSummary(runsDir(), '2026-11-30T14-00-00-spike', makeLoadSummary('spike', '2026-11-30T14-00-00-spike'));

    const runs = readPublishedRuns(runsDir());

    expect(runs.capacity?.folder).toBe('2026-11-30T10-00-00-capacity');
    expect(runs.gateway?.folder).toBe('2026-11-30T11-00-00-gateway');
    expect(runs.outbox?.folder).toBe('2026-11-30T13-00-00-outbox');
    expect(runs.load?.map((run) => run.folder)).toEqual(['2026-11-30T14-00-00-spike', '2026-11-30T12-00-00-compare']);
  });

  test('when several load runs are published, then the newest of each scenario and data set is found', () => {
    publishSummary(runsDir(), '2026-11-30T12-00-00-compare', makeCompareSummary('older default'));
    publishSummary(runsDir(), '2026-11-30T13-00-00-compare', summarizeLoadRun(loadContentionResult(), 'contention'));
    publishSummary(runsDir(), '2026-11-30T14-00-00-compare', makeCompareSummary('newer default'));
    publishSummary(runsDir(), '2026-11-30T15-00-00-soak', makeLoadSummary('soak', 'soak'));

    const runs = readPublishedRuns(runsDir());

    expect(newestLoadRun(runs, 'compare', 'default')?.summary.run).toBe('newer default');
    expect(newestLoadRun(runs, 'compare', 'contention')?.summary.run).toBe('contention');
    expect(newestLoadRun(runs, 'soak', 'default')?.folder).toBe('2026-11-30T15-00-00-soak');
    expect(newestLoadRun(runs, 'spike', 'default')).toBeUndefined();
  });

  test('when a later scaling run repeats only some series, then the most complete run stays the main one, and both are listed', () => {
    const whole = scalingSummaryFixture();
    const repeat = { ...whole, series: whole.series.slice(0, 1) };
    publishSummary(runsDir(), '2026-11-30T12-00-00-scaling', whole);
    publishSummary(runsDir(), '2026-11-30T13-00-00-scaling', repeat);
    publishSummary(runsDir(), 'ecs-2026-11-30-scaling', { ...whole, target: 'ecs' });

    const runs = readPublishedRuns(runsDir());

    expect(runs.scaling?.folder).toBe('2026-11-30T12-00-00-scaling');
    expect(runs.scalingRuns?.map((run) => run.folder)).toEqual([
      '2026-11-30T13-00-00-scaling',
      '2026-11-30T12-00-00-scaling',
    ]);
  });

  test('when a folder holds notes but no summary.json, then it is not a run', () => {
    mkdirSync(path.join(runsDir(), '2026-11-30-issue-16'));
    writeFileSync(path.join(runsDir(), '2026-11-30-issue-16', 'sync-sweep.md'), '# notes');

    expect(readPublishedRuns(runsDir())).toEqual({ load: [] });
  });

  test('when a summary declares a kind no reader knows, then reading refuses it, naming the file', () => {
    publishSummary(runsDir(), '2026-11-30T12-00-00-mystery', { kind: 'mystery' });

    expect(() => readPublishedRuns(runsDir())).toThrow(
      /2026-11-30T12-00-00-mystery\/summary\.json declares no known kind \(its "kind" is "mystery"; known: capacity, gateway, load, outbox, scaling\)/,
    );
  });

  test('when a summary declares its kind but does not fit it, then reading refuses it, naming the file', () => {
    publishSummary(runsDir(), '2026-11-30T12-00-00-compare', { kind: 'load', scenario: 'compare' });

    expect(() => readPublishedRuns(runsDir())).toThrow(
      /2026-11-30T12-00-00-compare\/summary\.json is not a load-run summary/,
    );
  });
});
