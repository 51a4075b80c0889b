import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { summarizeCapacityRun } from '../report/capacity-summary';
import { diffRunDirs, formatRatio } from '../report/run-diff';
import { makeCapacityResult } from './support/capacity-fixture';
import { loadCompareResult, markdownRow } from './support/report-fixture';
import { renderTable } from '../report/markdown-render';
import {
  loadContentionResult,
  loadOutboxSummary,
  makeCompareSummary,
  makeLoadSummary,
  publishSummary,
  writeResultFolder,
} from './support/summary-fixture';

describe('perf:diff', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'perf-diff-'));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('when two compare runs are compared, then each figure of each step shows a, b and b / a', () => {
    const a = publishSummary(root, 'a-compare', makeCompareSummary('a-compare'));
    const slower = loadCompareResult().steps.map((step) =>
      step.label === 'sync @ 100/s' ? { ...step, latencyMs: { ...step.latencyMs, p99: 424 } } : step,
    );
    // b is a results folder with only result.json: read through its summary.
    const b = writeResultFolder(root, 'b-compare', { ...loadCompareResult(), steps: slower });

    const diff = diffRunDirs(a, b);

    const table = renderTable(diff.table);
    expect(diff.header).toEqual([
      'a = a-compare (compare run, default data set): RATES=50,100,200,400 npm run perf -- compare',
      'b = b-compare (compare run, default data set): npm run perf -- compare',
    ]);
    expect(markdownRow(table, 'mode / step')).toEqual(['mode / step', 'figure', 'a', 'b', 'b / a']);
    const rows = table.split('\n').filter((line) => line.startsWith('| sync @ 100/s '));
    expect(rows.find((row) => row.includes(' p99 ms '))).toMatch(/\|\s+212 \|\s+424 \|\s+2\.00× \|$/);
    expect(rows.find((row) => row.includes(' achieved /s '))).toMatch(/\|\s+99\.6 \|\s+99\.6 \|\s+1\.00× \|$/);
    expect(rows.some((row) => row.includes(' e2e p99 ms '))).toBe(false);
  });

  test('when two outbox bursts are compared, then their lag percentiles are set side by side', () => {
    const summary = loadOutboxSummary();
    const a = publishSummary(root, 'a-outbox', summary);
    const b = publishSummary(root, 'b-outbox', { ...summary, lag_ms: { ...summary.lag_ms, p99: 366 } });

    const table = renderTable(diffRunDirs(a, b).table);

    expect(markdownRow(table, '300 updates at 10').slice(1)).toEqual(['updates/s', '102', '102', '1.00×']);
    expect(table).toMatch(/\| lag p99 ms\s+\|\s+183 \|\s+366 \|\s+2\.00× \|/);
  });

  test('when the runs are of different kinds, then the diff is refused, naming both', () => {
    const a = publishSummary(root, 'a-capacity', summarizeCapacityRun(makeCapacityResult(), 'a-capacity'));
    const b = publishSummary(root, 'b-compare', makeCompareSummary('b-compare'));

    expect(() => diffRunDirs(a, b)).toThrow(
      'a-capacity is a capacity run and b-compare a load run: perf:diff compares two runs of the same kind',
    );
  });

  test('when two load runs are of different scenarios, then the diff is refused', () => {
    const a = publishSummary(root, 'a-compare', makeCompareSummary('a-compare'));
    const b = publishSummary(root, 'b-spike', makeLoadSummary('spike', 'b-spike'));

    expect(() => diffRunDirs(a, b)).toThrow(
      'a-compare is a compare run and b-spike a spike run: perf:diff compares two runs of the same scenario',
    );
  });

  test('when a step is in only one run, then its figures show — for the other', () => {
    const a = writeResultFolder(root, 'a-compare', loadContentionResult());
    const result = loadContentionResult();
    const b = writeResultFolder(root, 'b-compare', { ...result, steps: result.steps.slice(0, 3) });

    const table = renderTable(diffRunDirs(a, b).table);

    expect(markdownRow(table, 'async @ 100/s')).toEqual(['async @ 100/s', 'achieved /s', '100.1', '—', '—']);
  });

  test('when a ratio has no meaning, then it says so', () => {
    expect(formatRatio(0, 0)).toBe('=');
    expect(formatRatio(0, 5)).toBe('—');
    expect(formatRatio(null, 5)).toBe('—');
    expect(formatRatio(4, 5)).toBe('1.25×');
  });
});

describe('run-diff.cli.ts', () => {
  const ROOT = path.join(__dirname, '..', '..');

  function runDiffCli(...args: string[]) {
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const cli = path.join(ROOT, 'performance-tests', 'report', 'run-diff.cli.ts');
    const tsconfig = path.join(ROOT, 'performance-tests', 'tsconfig.json');
    return spawnSync(tsx, ['--conditions=ecom-source', '--tsconfig', tsconfig, cli, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  test('when given one run, then it prints its usage and exits 2', () => {
    const run = runDiffCli('only-one');

    expect(run.stderr).toMatch(/^usage: npm run perf:diff -- <run-a> <run-b>/);
    expect(run.status).toBe(2);
  });

  test('when given two runs of one kind, then it prints the table', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'perf-diff-cli-'));
    try {
      const a = publishSummary(root, 'a-outbox', loadOutboxSummary());
      const run = runDiffCli(a, a);

      expect(run.stdout).toMatch(/^a = a-outbox \(outbox run\): BURST=300 CONCURRENCY=10 npm run perf:outbox\n/);
      expect(run.stdout).toMatch(/\| 300 updates at 10 \| updates\/s\s+\|\s+102 \|\s+102 \|\s+1\.00× \|/);
      expect(run.status).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
