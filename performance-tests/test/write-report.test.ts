import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../report/result.schema';
import { writeReport } from '../report/write-report';
import {
  loadCompareResult,
  makeResultDir,
  markdownRow,
  markdownSection,
  parseSvg,
  removeResultDir,
  stripOptionalParts,
  textsOfSvg,
} from './support/report-fixture';

const MODES = ['sync', 'async', 'noop-202', 'bare-http'];

describe('writeReport on a compare run', () => {
  let dir: string;
  let written: ReturnType<typeof writeReport>;

  beforeAll(() => {
    dir = makeResultDir();
    written = writeReport(dir, loadCompareResult());
  });

  afterAll(() => removeResultDir(dir));

  test.each([
    ['throughput', MODES, ['offered rate (requests/s)', 'achieved rate (responses/s)', 'ideal (achieved = offered)']],
    ['latency', MODES, ['offered rate (requests/s)', 'milliseconds (log scale)', 'p50', 'p95', 'p99']],
    ['e2e-latency', ['async'], ['offered rate (requests/s)', 'milliseconds (log scale)', 'p99']],
    ['consumer-lag', ['order-worker lag', 'async @ 400/s'], ['time since start (s)', 'lag (messages)']],
    ['errors', ['sync @ 400/s', 'bare-http @ 50/s'], ['share of requests (%)', 'dropped iterations', '503 (%)']],
    ['capacity', MODES, ['mode', 'capacity (requests/s)']],
    ['memory', ['order-service rss MiB', 'gateway rss MiB'], ['time since start (s)', 'memory (MiB)']],
  ])(
    'when the report is written, then plots/%s.svg is valid SVG naming %j with axis titles %j',
    (name, names, axes) => {
      const svg = readFileSync(join(dir, 'plots', `${name}.svg`), 'utf8');

      expect(parseSvg(svg)).toHaveProperty('svg');
      expect(textsOfSvg(svg)).toEqual(expect.arrayContaining([...names, ...axes]));
    },
  );

  test('when the report is written, then it returns the plots it wrote and the files hold what it returned', () => {
    const names = written.plots.map((file) => file.slice(file.lastIndexOf('/') + 1));

    expect(names).toEqual([
      'throughput.svg',
      'latency.svg',
      'e2e-latency.svg',
      'consumer-lag.svg',
      'errors.svg',
      'capacity.svg',
      'memory.svg',
    ]);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe(written.markdown);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(written.html);
  });

  test('when the report is written, then the step table shows each step’s figures under their columns', () => {
    const header = markdownRow(written.markdown, 'step');
    const sync100 = Object.fromEntries(
      header.map((title, index) => [title, markdownRow(written.markdown, 'sync @ 100/s')[index]]),
    );
    const async400 = Object.fromEntries(
      header.map((title, index) => [title, markdownRow(written.markdown, 'async @ 400/s')[index]]),
    );

    expect(sync100).toMatchObject({
      mode: 'sync',
      'offered /s': '100',
      'p50 ms': '97',
      'p99 ms': '212',
      'e2e p99 ms': '—',
    });
    expect(async400).toMatchObject({
      'achieved /s': '373',
      'p99 ms': '367',
      'max ms': '912',
      errors: '0.04%',
      dropped: '41',
      'e2e p99 ms': '60,420',
      'drain s': '64',
    });
  });

  test('when the report is written, then goals, capacity and baselines are tabulated with verdicts and ratios', () => {
    const { markdown } = written;

    expect(markdownRow(markdown, 'sync p99 at 100/s')).toEqual([
      'sync p99 at 100/s',
      '≤ 500 ms',
      '212 ms',
      '✓ met',
      '',
    ]);
    expect(markdownRow(markdown, 'async backlog drained after the 400/s step')[3]).toBe('✗ missed');
    expect(markdownRow(markdown, 'no 503 below capacity')[3]).toBe('not measured');
    expect(markdownRow(markdownSection(markdown, 'Capacity'), 'noop-202')).toEqual([
      'noop-202',
      '1,150',
      'p99 ≤ 1 s, errors ≤ 1%',
    ]);
    expect(markdownRow(markdownSection(markdown, 'Baselines'), 'noop-202').slice(2)).toEqual([
      '1,150 req/s',
      '0.48× bare-http',
    ]);
  });

  test('when the report is written, then the markdown names the run and links the plots and raw k6 files', () => {
    const { markdown } = written;

    expect(markdown.startsWith('# Performance report: compare, 2026-11-23 10:15 UTC\n')).toBe(true);
    expect(markdown).toContain('- 2 CPUs: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz');
    expect(markdown).toContain('![Consumer lag over time](plots/consumer-lag.svg)');
    expect(markdown).toContain('[k6 end-of-test summary: k6-summary.json](k6-summary.json)');
    expect(markdown).toContain('- The sync | 400/s step timed out');
  });

  test('when the report is written, then report.html inlines every plot and loads nothing from the network', () => {
    const { html } = written;
    const urls = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map(([, url]) => url ?? '');

    expect(html.match(/<svg\b/g)).toHaveLength(written.plots.length);
    expect(urls.filter((url) => /^(?:https?:)?\/\//i.test(url))).toEqual([]);
    expect(html).not.toMatch(/<script|<link\b|<img\b|<iframe|@import|url\((?!#)/i);
    expect(html).toContain('<td class="numeric">212</td>');
  });

  test('when a report is written again, then it takes well under a second', () => {
    const startedAt = performance.now();

    writeReport(dir, loadCompareResult());

    expect(performance.now() - startedAt).toBeLessThan(1_000);
  });
});

describe('writeReport on a result without optional parts', () => {
  let dir: string;

  beforeEach(() => {
    dir = makeResultDir();
  });

  afterEach(() => removeResultDir(dir));

  test('when there are no async steps, capacity, samples, goals or files, then only the plots with data are drawn', () => {
    const { markdown, html, plots } = writeReport(dir, stripOptionalParts(loadCompareResult()));

    expect(plots.map((file) => file.slice(file.lastIndexOf('/') + 1))).toEqual([
      'throughput.svg',
      'latency.svg',
      'errors.svg',
    ]);
    expect(markdown).toContain('| sync @ 100/s ');
    expect(markdown).not.toMatch(/## (Goals|Capacity|Baselines|Notes|Raw files)/);
    expect(html.match(/<svg\b/g)).toHaveLength(3);
  });

  test('when a run is reported again without data for a plot, then its stale SVG file is removed', () => {
    writeReport(dir, loadCompareResult());

    writeReport(dir, stripOptionalParts(loadCompareResult()));

    expect(existsSync(join(dir, 'plots', 'latency.svg'))).toBe(true);
    expect(existsSync(join(dir, 'plots', 'capacity.svg'))).toBe(false);
    expect(existsSync(join(dir, 'plots', 'consumer-lag.svg'))).toBe(false);
  });

  test('when the run is a spike, then latencies are drawn over time, as the phases repeat rates', () => {
    const result: RunResult = { ...loadCompareResult(), scenario: 'spike' };

    writeReport(dir, result);

    const texts = textsOfSvg(readFileSync(join(dir, 'plots', 'latency.svg'), 'utf8'));
    expect(texts).toContain('time since start (s)');
    expect(texts).not.toContain('offered rate (requests/s)');
  });

  test('when steps carry 409 rejections and SLO verdicts, then the step table and the error plot show them', () => {
    const compare = loadCompareResult();
    const steps = compare.steps.map((step) => ({
      ...step,
      rejectedRate: step.label === 'sync @ 100/s' ? 0.25 : 0,
      sloMet: step.latencyMs.p99 <= 1_000,
    }));

    const { markdown } = writeReport(dir, { ...compare, scenario: 'capacity', steps });

    const header = markdownRow(markdown, 'step');
    const cellOf = (label: string, title: string) => markdownRow(markdown, label)[header.indexOf(title)];
    expect(cellOf('sync @ 100/s', '409 rejected')).toBe('25.0%');
    expect(cellOf('sync @ 100/s', 'SLO')).toBe('✓ held');
    expect(cellOf('sync @ 400/s', 'SLO')).toBe('✗ broken');
    expect(textsOfSvg(readFileSync(join(dir, 'plots', 'errors.svg'), 'utf8'))).toContain('rejected 409 (%)');
  });

  test('when a run recorded no step at all, then the report says so and draws only the samples it has', () => {
    const result: RunResult = { ...loadCompareResult(), steps: [], capacity: [] };

    const { markdown, plots } = writeReport(dir, result);

    expect(markdown).toContain('No step was recorded');
    expect(plots.map((file) => file.slice(file.lastIndexOf('/') + 1))).toEqual(['consumer-lag.svg', 'memory.svg']);
  });
});
