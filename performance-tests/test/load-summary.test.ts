import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSummarySchema } from '../report/load-summary.schema';
import { datasetOf, summarizeLoadRun } from '../report/load-summary';
import { summarizeRun, writeRunSummary } from '../report/run-summary';
import { makeCapacityResult } from './support/capacity-fixture';
import { loadCompareResult, makeResultDir, removeResultDir, stripOptionalParts } from './support/report-fixture';
import { loadContentionResult } from './support/summary-fixture';

describe('the summary of a load run', () => {
  test('when a contention compare run is summarized, then each step keeps its figures and verdict', () => {
    const summary = summarizeLoadRun(loadContentionResult(), '2026-11-30T14-01-26-compare');

    expect(summary).toMatchObject({
      kind: 'load',
      scenario: 'compare',
      dataset: 'contention',
      command: 'BASELINES=false RATES=50,100 npm run perf -- compare --dataset contention',
      duration_s: expect.any(Number),
    });
    expect(summary.machine.before?.load_average).toEqual([0.39, 0.81, 2]);
    expect(summary.steps.map((step) => step.label)).toEqual([
      'sync @ 50/s',
      'sync @ 100/s',
      'async @ 50/s',
      'async @ 100/s',
    ]);
    expect(summary.steps[3]).toEqual({
      mode: 'async',
      label: 'async @ 100/s',
      offered_rps: 100,
      achieved_rps: 100.1,
      requests: 2001,
      start_s: 81.3,
      duration_s: 20,
      p50_ms: 2.95,
      p95_ms: 6.42,
      p99_ms: 12.58,
      max_ms: 40.85,
      error_share: 0,
      share_503: 0,
      share_409: 0,
      dropped: 0,
      e2e: { p50_ms: 62, p99_ms: 84, count: 201 },
      worker_e2e: null,
      drain_s: 0.8,
      poll_share: null,
      slo_met: true,
      slo_misses: [],
    });
    expect(summary.steps[0]!.share_409).toBeCloseTo(0.825, 3);
  });

  test('when the summary is written as JSON, then it stays small and reads back unchanged', () => {
    const summary = summarizeLoadRun(loadCompareResult(), '2026-11-23T10-15-00-compare');

    const json = JSON.stringify(summary, null, 2);

    expect(json.length).toBeLessThan(20_000);
    expect(loadSummarySchema.parse(JSON.parse(json))).toEqual(summary);
  });

  test('when the settings do not name the data set, then the command does, else it is the default', () => {
    expect(datasetOf({ dataset: 'contention' }, 'npm run perf -- compare')).toBe('contention');
    expect(datasetOf({}, 'npm run perf -- compare --dataset contention')).toBe('contention');
    expect(datasetOf({}, 'DATASET=contention npm run perf -- spike')).toBe('contention');
    expect(datasetOf({}, 'npm run perf -- compare')).toBe('default');
  });

  test('when a step recorded its poll share and why it missed the SLO, then the summary keeps both', () => {
    const result = loadContentionResult();
    const [first, ...rest] = result.steps;
    const steps = [{ ...first!, pollShare: 0.0912, sloMisses: ['p99 37.6 ms > 30 ms'] }, ...rest];

    const [step] = summarizeLoadRun({ ...result, steps }, 'run').steps;

    expect(step).toMatchObject({ poll_share: 0.0912, slo_misses: ['p99 37.6 ms > 30 ms'] });
  });
});

describe('summarizeRun', () => {
  let dir: string;

  beforeEach(() => {
    dir = makeResultDir();
  });

  afterEach(() => removeResultDir(dir));

  test('when the run is a capacity, compare or smoke run, then it has the summary of its kind or none', () => {
    expect(summarizeRun(makeCapacityResult(), 'c')?.kind).toBe('capacity');
    expect(summarizeRun(loadContentionResult(), 'l')?.kind).toBe('load');
    expect(summarizeRun(stripOptionalParts(loadCompareResult()), 's')).toBeUndefined();
  });

  test('when a compare run ends, then summary.json is written beside its result, named after its folder', () => {
    const summary = writeRunSummary(dir, loadContentionResult());

    const written = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { run: string };
    expect(written).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(written.run).toBe(dir.split('/').pop());
  });

  test('when a smoke run ends, then no summary.json is written', () => {
    writeRunSummary(dir, stripOptionalParts(loadCompareResult()));

    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
  });
});
