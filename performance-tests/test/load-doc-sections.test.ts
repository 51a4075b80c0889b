import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderDocSections } from '../report/doc-sections';
import { summarizeLoadRun } from '../report/load-summary';
import { readPublishedRuns } from '../report/published-runs';
import { loadCompareResult, markdownRow } from './support/report-fixture';
import {
  loadContentionResult,
  loadOutboxSummary,
  makeCompareSummary,
  makeLoadSummary,
  publishSummary,
  useRunsDir,
} from './support/summary-fixture';

describe('the generated sections of load runs', () => {
  const runsDir = useRunsDir();

  test('when a default compare run is published, then its section shows its command, steps, plots and notes', () => {
    const dir = publishSummary(runsDir(), '2026-11-30T15-00-00-compare', makeCompareSummary());
    mkdirSync(path.join(dir, 'plots'));
    writeFileSync(path.join(dir, 'plots', 'throughput.svg'), '<svg/>');

    const { compare } = renderDocSections(readPublishedRuns(runsDir()));

    expect(compare).toMatch(
      /^From \[`2026-11-30T15-00-00-compare`\]\(performance\/runs\/2026-11-30T15-00-00-compare\/summary\.json\): `RATES=50,100,200,400 npm run perf -- compare`,\nstarted 2026-11-23 10:15 UTC, 11 min 56 s;/,
    );
    expect(markdownRow(compare, 'sync @ 400/s')).toEqual([
      'sync @ 400/s',
      '400',
      '171',
      '5,142',
      '4,820',
      '5,912',
      '6,480',
      '10,000',
      '11.8%',
      '3.1%',
      '1,843',
      '—',
      '—',
    ]);
    expect(compare).toContain(
      '![compare: throughput achieved vs offered](performance/runs/2026-11-30T15-00-00-compare/plots/throughput.svg)',
    );
    expect(compare).not.toContain('latency.svg');
    expect(compare).toContain('Baselines of the same run:');
    expect(markdownRow(compare, 'noop-202')[0]).toBe('noop-202');
    expect(compare).toContain('- Load generator, services, MySQL and Kafka share 2 cores');
  });

  test('when a default compare run is published, then sync and async stand side by side at each rate', () => {
    publishSummary(runsDir(), '2026-11-30T15-00-00-compare', makeCompareSummary());

    const sections = renderDocSections(readPublishedRuns(runsDir()));

    expect(markdownRow(sections['compare-modes'], 'offered /s')).toEqual([
      'offered /s',
      'sync achieved /s',
      'async achieved /s',
      'sync p99 ms (answered = placed)',
      'async acceptance p99 ms',
      'async end-to-end p99 ms (worker histogram, ≤ bucket)',
      'async end-to-end p99 ms (polled sample, upper bound)',
      'sync errors',
      'async errors',
    ]);
    // The fixture was recorded before the worker's histogram was read: that column stays empty.
    expect(markdownRow(sections['compare-modes'], '50')).toEqual([
      '50',
      '50',
      '50',
      '104',
      '20',
      '—',
      '410',
      '0%',
      '0%',
    ]);
  });

  test("when a compare run read the worker's histogram, then its end-to-end p99 stands beside the polled one as a bucket bound", () => {
    const summary = makeCompareSummary();
    const steps = summary.steps.map((step) =>
      step.mode === 'async' && step.offered_rps === 50
        ? { ...step, worker_e2e: { p50_ms: 50, p99_ms: 250, count: 500 } }
        : step,
    );
    publishSummary(runsDir(), '2026-11-30T15-00-00-compare', { ...summary, steps });

    const sections = renderDocSections(readPublishedRuns(runsDir()));

    expect(markdownRow(sections['compare-modes'], '50')).toEqual([
      '50',
      '50',
      '50',
      '104',
      '20',
      '≤ 250',
      '410',
      '0%',
      '0%',
    ]);
  });

  test('when a compare run offered no rate to both modes, then the side-by-side section says so', () => {
    const result = loadCompareResult();
    const syncOnly = { ...result, steps: result.steps.filter((step) => step.mode === 'sync') };
    publishSummary(runsDir(), '2026-11-30T15-00-00-compare', summarizeLoadRun(syncOnly, 'sync only'));

    const sections = renderDocSections(readPublishedRuns(runsDir()));

    expect(sections['compare-modes']).toMatch(/It offered no rate to both sync and async\.$/);
  });

  test('when only a contention compare run is published, then it fills the contention section alone', () => {
    publishSummary(runsDir(), '2026-11-30T14-01-26-compare', summarizeLoadRun(loadContentionResult(), 'contention'));

    const sections = renderDocSections(readPublishedRuns(runsDir()));

    expect(markdownRow(sections['compare-contention'], 'sync @ 100/s')).toEqual([
      'sync @ 100/s',
      '100',
      '100',
      '2,001',
      '6.0',
      '9.9',
      '19',
      '49',
      '0%',
      '0%',
      '100.0%',
      '0',
      '—',
      '—',
      '✓ held',
    ]);
    expect(sections.compare).toMatch(
      /^No compare run on the default data set is published yet: `npm run perf -- compare`/,
    );
  });

  test('when spike, soak and outbox runs are published, then each fills its own section', () => {
    publishSummary(runsDir(), '2026-11-30T15-00-00-spike', makeLoadSummary('spike', 'spike'));
    publishSummary(runsDir(), '2026-11-30T16-00-00-soak', makeLoadSummary('soak', 'soak'));
    publishSummary(runsDir(), '2026-11-30T14-55-32-outbox', loadOutboxSummary());

    const sections = renderDocSections(readPublishedRuns(runsDir()));

    expect(sections.spike).toContain('`npm run perf -- spike`');
    expect(sections.soak).toContain('`npm run perf -- soak`');
    expect(sections.outbox).toContain('`BURST=300 CONCURRENCY=10 npm run perf:outbox`');
    expect(sections.outbox).toContain('load average 5.02 before the run (busy then: node tsc tsconfig.json 75%');
    expect(markdownRow(sections.outbox, '300')).toEqual([
      '300',
      '10',
      '0',
      '102',
      '2.94',
      '3.05',
      '109',
      '76',
      '162',
      '183',
      '209',
    ]);
  });

  test('when nothing is published, then each load section says in one line which command makes its run', () => {
    const sections = renderDocSections(readPublishedRuns(runsDir()));

    for (const name of [
      'compare',
      'compare-modes',
      'compare-contention',
      'spike',
      'soak',
      'outbox',
      'scaling',
    ] as const)
      expect(sections[name]).toMatch(/^No [\w -]+ is published yet: `[^`]+`, then `npm run perf:publish -- [^`]+`\.$/);
    expect(sections['compare-contention']).toContain('`npm run perf -- compare --dataset contention`');
    expect(sections.outbox).toContain('`npm run perf:publish -- performance-tests/results/<stamp>-outbox`');
  });
});
