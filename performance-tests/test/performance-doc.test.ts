/**
 * docs/performance.md's generated sections are what the generator makes of the committed
 * summaries (docs/performance/runs/): a figure typed by hand, or a summary published without
 * regenerating the doc, fails here. Regenerate with `npm run perf:publish`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { summarizeCapacityRun } from '../report/capacity-summary';
import { SECTION_NAMES, renderDocSections } from '../report/doc-sections';
import { GeneratedSectionError, findGeneratedSections, replaceGeneratedSections } from '../report/generated-sections';
import { PERFORMANCE_DOC, REPOSITORY_ROOT, readPublishedRuns } from '../report/published-runs';
import { FIGURES, makeCapacityResult } from './support/capacity-fixture';
import { markdownRow } from './support/report-fixture';

const GATEWAY_SUMMARY = {
  scenario: 'gateway',
  started_at: '2026-11-30T13:00:00.000Z',
  command: 'npm run perf:gateway',
  gateway_own_cpu_us_above_library: 158.4,
  variants: [
    { name: 'nginx', req_per_s: 8137, p50_ms: 3, p99_ms: 9, cpu_us_per_request: null, idle_added_p50_us: 124 },
    { name: 'gateway', req_per_s: 1927.5, p50_ms: 19, p99_ms: 36, cpu_us_per_request: 421, idle_added_p50_us: 422 },
  ],
};

function publish(runsDir: string, folder: string, summary: unknown): void {
  mkdirSync(path.join(runsDir, folder), { recursive: true });
  writeFileSync(path.join(runsDir, folder, 'summary.json'), JSON.stringify(summary));
}

const withMarkers = (names: readonly string[]) =>
  names.map((name) => `<!-- generated:${name} begin -->\n<!-- generated:${name} end -->`).join('\n\n');

describe('docs/performance.md', () => {
  test('when its generated sections are made again from the committed summaries, then the document is unchanged', () => {
    const doc = readFileSync(PERFORMANCE_DOC, 'utf8');

    const regenerated = replaceGeneratedSections(doc, renderDocSections(readPublishedRuns()));

    expect(findGeneratedSections(doc, SECTION_NAMES)).toContain('capacity-goals');
    expect(regenerated).toBe(doc);
  });
});

describe('the generated sections', () => {
  let runsDir: string;

  beforeEach(() => {
    runsDir = mkdtempSync(path.join(tmpdir(), 'perf-runs-'));
  });

  afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

  test('when several runs are published, then the newest capacity run and the newest gateway run are shown', () => {
    const older = summarizeCapacityRun(
      makeCapacityResult({ ...FIGURES, syncCapacity: 10 }),
      '2026-11-29T08-00-00-capacity',
    );
    publish(runsDir, '2026-11-29T08-00-00-capacity', older);
    publish(
      runsDir,
      '2026-11-30T12-00-00-capacity',
      summarizeCapacityRun(makeCapacityResult(), '2026-11-30T12-00-00-capacity'),
    );
    publish(runsDir, '2026-11-30T13-00-00-gateway', GATEWAY_SUMMARY);

    const sections = renderDocSections(readPublishedRuns(runsDir));

    expect(sections['capacity-goals']).toContain(
      '[`2026-11-30T12-00-00-capacity`](performance/runs/2026-11-30T12-00-00-capacity/summary.json)',
    );
    expect(
      markdownRow(sections['capacity-goals'], 'sync capacity (p99 ≤ 100 ms) ÷ database ceiling (same order mix)'),
    ).toEqual([
      'sync capacity (p99 ≤ 100 ms) ÷ database ceiling (same order mix)',
      '≥ 0.6×',
      '0.412× (94 orders/s ÷ 228 orders/s)',
      '✗ missed',
    ]);
    expect(sections['capacity-goals']).toContain('load average 3.1 after the run (busy then: mariadbd 12%)');
    expect(markdownRow(sections['capacity-figures'], 'total').slice(0, 4)).toEqual(['total', '150', '145', '96.7%']);
    expect(markdownRow(sections['gateway-variants'], 'gateway')).toEqual([
      'gateway',
      '1,927.5',
      '19',
      '36',
      '421',
      '422',
    ]);
    expect(sections['gateway-variants']).toContain('above bare http-proxy-middleware: 158.4 µs');
  });

  test('when nothing is published, then each section says how to publish a run', () => {
    const sections = renderDocSections(readPublishedRuns(path.join(runsDir, 'missing')));

    expect(sections['capacity-goals']).toMatch(/^No capacity run is published yet/);
    expect(sections['gateway-variants']).toMatch(/^No gateway benchmark is published yet/);
  });

  test('when the sections are written into a document, then prettier leaves it as it is', () => {
    publish(
      runsDir,
      '2026-11-30T12-00-00-capacity',
      summarizeCapacityRun(makeCapacityResult(), '2026-11-30T12-00-00-capacity'),
    );
    publish(runsDir, '2026-11-30T13-00-00-gateway', GATEWAY_SUMMARY);
    const doc = path.join(runsDir, 'doc.md');
    writeFileSync(
      doc,
      replaceGeneratedSections(
        `# Doc\n\n${withMarkers(SECTION_NAMES)}\n`,
        renderDocSections(readPublishedRuns(runsDir)),
      ),
    );

    const prettier = spawnSync(path.join(REPOSITORY_ROOT, 'node_modules', '.bin', 'prettier'), ['--check', doc], {
      cwd: REPOSITORY_ROOT,
      encoding: 'utf8',
    });

    expect(prettier.stderr).toBe('');
    expect(prettier.status).toBe(0);
  });

  test('when a marker is unknown or unpaired, then the document is refused, naming the section', () => {
    const sections = renderDocSections({});

    expect(() => replaceGeneratedSections(withMarkers(['capacity-goal']), sections)).toThrow(
      new GeneratedSectionError(
        'unknown generated section "capacity-goal" (known: capacity-goals, capacity-figures, gateway-variants)',
      ),
    );
    expect(() => replaceGeneratedSections('<!-- generated:capacity-goals begin -->\ntyped', sections)).toThrow(
      'section "capacity-goals" never ends',
    );
    expect(() => replaceGeneratedSections('<!-- generated:capacity-goals end -->', sections)).toThrow(
      'section "capacity-goals" ends without having begun',
    );
  });

  test('when a section is regenerated, then only what is between its markers changes', () => {
    const doc = `before\n\n<!-- generated:gateway-variants begin -->\n\n| typed | by hand |\n\n<!-- generated:gateway-variants end -->\n\nafter\n`;

    const regenerated = replaceGeneratedSections(doc, renderDocSections({}));

    expect(regenerated).toMatch(
      /^before\n\n<!-- generated:gateway-variants begin -->\n\nNo gateway benchmark is published yet: .*\n\n<!-- generated:gateway-variants end -->\n\nafter\n$/,
    );
  });
});
