/**
 * docs/performance.md's generated sections are what the generator makes of the committed
 * summaries (docs/performance/runs/), and every table of figures in it is inside one: a figure
 * typed by hand, or a summary published without regenerating the doc, fails here. Regenerate with
 * `npm run perf:publish`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { summarizeCapacityRun } from '../report/capacity-summary';
import { SECTION_NAMES, renderDocSections } from '../report/doc-sections';
import { findHandTypedFigureTables } from '../report/doc-table-audit';
import { GeneratedSectionError, findGeneratedSections, replaceGeneratedSections } from '../report/generated-sections';
import { PERFORMANCE_DOC, REPOSITORY_ROOT, readPublishedRuns } from '../report/published-runs';
import { summarizeLoadRun } from '../report/load-summary';
import { FIGURES, makeCapacityResult } from './support/capacity-fixture';
import { markdownRow } from './support/report-fixture';
import {
  loadContentionResult,
  loadOutboxSummary,
  makeCompareSummary,
  makeLoadSummary,
  publishSummary,
  useRunsDir,
} from './support/summary-fixture';

/**
 * The tables of docs/performance.md that hold no measured figure, by the first cell of their
 * header: every other table with a digit in it must be generated.
 */
const TABLES_WITHOUT_MEASUREMENTS = [
  // The scenarios, what each does and its settings (the digits are default settings).
  'scenario',
  // The scaling run's series, what each scales and measures (the digits are partition and product counts).
  'series',
];

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

const withMarkers = (names: readonly string[]) =>
  names.map((name) => `<!-- generated:${name} begin -->\n<!-- generated:${name} end -->`).join('\n\n');

describe('docs/performance.md', () => {
  test('when its generated sections are made again from the committed summaries, then the document is unchanged', () => {
    const doc = readFileSync(PERFORMANCE_DOC, 'utf8');

    const regenerated = replaceGeneratedSections(doc, renderDocSections(readPublishedRuns()));

    expect(findGeneratedSections(doc, SECTION_NAMES)).toEqual(expect.arrayContaining([...SECTION_NAMES]));
    expect(regenerated).toBe(doc);
  });

  test('when its tables are read, then every table of figures is inside a generated section', () => {
    const doc = readFileSync(PERFORMANCE_DOC, 'utf8');

    expect(findHandTypedFigureTables(doc, TABLES_WITHOUT_MEASUREMENTS)).toEqual([]);
  });
});

describe('findHandTypedFigureTables', () => {
  const handTyped = [
    '| run (2026-11-22) | updates/s | lag p99 |',
    '| ---------------- | --------: | ------: |',
    '| 5,000 updates    |       239 |  337 ms |',
  ].join('\n');

  test('when a table of figures is typed outside the generated sections, then it is found with its line', () => {
    const doc = `# Doc\n\n<!-- generated:outbox begin -->\n\nNo run.\n\n<!-- generated:outbox end -->\n\n${handTyped}\n`;

    expect(findHandTypedFigureTables(doc, TABLES_WITHOUT_MEASUREMENTS)).toEqual([
      { line: 9, header: ['run (2026-11-22)', 'updates/s', 'lag p99'] },
    ]);
  });

  test('when the same table is inside a generated section, or holds no digit, or is allowed, then it is not', () => {
    const words = '| mode | what |\n| ---- | ---- |\n| sync | waits |';
    const settings = '| scenario | settings |\n| -------- | -------- |\n| compare  | RATES=25,50 |';
    const doc = `<!-- generated:outbox begin -->\n\n${handTyped}\n\n<!-- generated:outbox end -->\n\n${words}\n\n${settings}\n`;

    expect(findHandTypedFigureTables(doc, TABLES_WITHOUT_MEASUREMENTS)).toEqual([]);
  });

  test('when a table only looks like one inside a code block, then it is not a table', () => {
    expect(findHandTypedFigureTables(`\`\`\`\n${handTyped}\n\`\`\`\n`, [])).toEqual([]);
  });
});

describe('the generated sections', () => {
  const runsDir = useRunsDir();

  test('when several runs are published, then the newest capacity run and the newest gateway run are shown', () => {
    const older = summarizeCapacityRun(
      makeCapacityResult({ ...FIGURES, syncCapacity: 10 }),
      '2026-11-29T08-00-00-capacity',
    );
    publishSummary(runsDir(), '2026-11-29T08-00-00-capacity', older);
    publishSummary(
      runsDir(),
      '2026-11-30T12-00-00-capacity',
      summarizeCapacityRun(makeCapacityResult(), '2026-11-30T12-00-00-capacity'),
    );
    publishSummary(runsDir(), '2026-11-30T13-00-00-gateway', GATEWAY_SUMMARY);

    const sections = renderDocSections(readPublishedRuns(runsDir()));

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
    const sections = renderDocSections(readPublishedRuns(path.join(runsDir(), 'missing')));

    expect(sections['capacity-goals']).toMatch(/^No capacity run is published yet/);
    expect(sections['gateway-variants']).toMatch(/^No gateway benchmark is published yet/);
  });

  test('when the sections are written into a document, then prettier leaves it as it is', () => {
    publishSummary(
      runsDir(),
      '2026-11-30T12-00-00-capacity',
      summarizeCapacityRun(makeCapacityResult(), '2026-11-30T12-00-00-capacity'),
    );
    publishSummary(runsDir(), '2026-11-30T13-00-00-gateway', GATEWAY_SUMMARY);
    publishSummary(runsDir(), '2026-11-30T14-00-00-compare', makeCompareSummary());
    publishSummary(runsDir(), '2026-11-30T14-01-26-compare', summarizeLoadRun(loadContentionResult(), 'contention'));
    publishSummary(runsDir(), '2026-11-30T14-10-00-spike', makeLoadSummary('spike', 'spike'));
    publishSummary(runsDir(), '2026-11-30T14-20-00-soak', makeLoadSummary('soak', 'soak'));
    publishSummary(runsDir(), '2026-11-30T14-55-32-outbox', loadOutboxSummary());
    const doc = path.join(runsDir(), 'doc.md');
    writeFileSync(
      doc,
      replaceGeneratedSections(
        `# Doc\n\n${withMarkers(SECTION_NAMES)}\n`,
        renderDocSections(readPublishedRuns(runsDir())),
      ),
    );

    const prettier = spawnSync(path.join(REPOSITORY_ROOT, 'node_modules', '.bin', 'prettier'), ['--check', doc], {
      cwd: REPOSITORY_ROOT,
      encoding: 'utf8',
    });

    expect(prettier.stderr).toBe('');
    expect(prettier.status).toBe(0);
    expect(findHandTypedFigureTables(readFileSync(doc, 'utf8'), [])).toEqual([]);
  });

  test('when a marker is unknown or unpaired, then the document is refused, naming the section', () => {
    const sections = renderDocSections({});

    expect(() => replaceGeneratedSections(withMarkers(['capacity-goal']), sections)).toThrow(
      new GeneratedSectionError(`unknown generated section "capacity-goal" (known: ${SECTION_NAMES.join(', ')})`),
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
