import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSummarySchema } from '../report/load-summary.schema';
import { publishRun } from '../report/publish-run';
import { loadCompareResult, parseSvg, stripOptionalParts, textsOfSvg } from './support/report-fixture';
import { loadOutboxSummary, publishSummary, writeResultFolder } from './support/summary-fixture';

describe('publishRun', () => {
  let root: string;
  let runsDir: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'perf-publish-'));
    runsDir = path.join(root, 'runs');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('when a compare run without summary.json is published, then its summary is made from result.json and its modes plotted', () => {
    const dir = writeResultFolder(path.join(root, 'results'), '2026-11-30T15-00-00-compare', loadCompareResult());

    const written = publishRun(dir, runsDir);

    const target = path.join(runsDir, '2026-11-30T15-00-00-compare');
    expect(written).toEqual([path.join(target, 'summary.json'), path.join(target, 'plots', 'modes-latency.svg')]);
    const summary = loadSummarySchema.parse(JSON.parse(readFileSync(written[0]!, 'utf8')));
    expect(summary).toMatchObject({ kind: 'load', scenario: 'compare', run: '2026-11-30T15-00-00-compare' });
    const svg = readFileSync(written[1]!, 'utf8');
    expect(() => parseSvg(svg)).not.toThrow();
    expect(textsOfSvg(svg)).toEqual(
      expect.arrayContaining(['sync (answered = placed) p99', 'async acceptance p99', 'async end-to-end p99']),
    );
  });

  test('when an outbox burst is published, then its summary.json is copied under its folder name', () => {
    const dir = publishSummary(path.join(root, 'results'), '2026-11-30T15-00-00-outbox', loadOutboxSummary());

    const written = publishRun(dir, runsDir);

    expect(written).toEqual([path.join(runsDir, '2026-11-30T15-00-00-outbox', 'summary.json')]);
    expect(JSON.parse(readFileSync(written[0]!, 'utf8'))).toEqual(loadOutboxSummary());
  });

  test('when a smoke run is published, then it is refused: it has no summary', () => {
    const dir = writeResultFolder(root, '2026-11-30T15-00-00-smoke', stripOptionalParts(loadCompareResult()));

    expect(() => publishRun(dir, runsDir)).toThrow(/is a smoke run, which has no summary/);
    expect(existsSync(runsDir)).toBe(false);
  });

  test('when the folder holds neither file, then it is refused, naming both', () => {
    expect(() => publishRun(root, runsDir)).toThrow(`${root} holds neither summary.json nor result.json`);
  });
});
