/** Results to write reports from, throw-away result folders, and readers of what was written. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunResult, parseRunResult } from '../../report/result.schema';

export const FIXTURE_FILE = join(__dirname, '..', 'fixtures', 'compare-result.json');

/** A compare run: sync, async, noop-202 and bare-http at 50–400/s, lag and memory samples, capacity, goals. */
export function loadCompareResult(): RunResult {
  return parseRunResult(JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')), FIXTURE_FILE);
}

/** The same run as a smoke test would leave it: no async steps, capacity, samples, goals or files. */
export function stripOptionalParts(result: RunResult): RunResult {
  return {
    ...result,
    scenario: 'smoke',
    steps: result.steps.filter((step) => step.mode !== 'async').map(({ e2eMs: _e2e, drainS: _drain, ...step }) => step),
    series: { lag: [], memory: [] },
    capacity: undefined,
    baselines: [],
    goals: [],
    notes: [],
    files: {},
  };
}

export function makeResultDir(): string {
  return mkdtempSync(join(tmpdir(), 'perf-report-'));
}

export function removeResultDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Parses an SVG document; throws with the line of the first XML error. */
export function parseSvg(svg: string): { svg: unknown } {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`invalid XML at line ${valid.err.line}: ${valid.err.msg}`);
  return new XMLParser({ ignoreAttributes: false }).parse(svg) as { svg: unknown };
}

/** The text of every <text> element, in document order. */
export function textsOfSvg(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map(([, text]) => decodeEntities(text ?? ''));
}

/** The text under a `## title` heading, up to the next heading. */
export function markdownSection(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section ${title}`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The cells of the Markdown table row whose first cell is `label` (a header row too, by its first title). */
export function markdownRow(markdown: string, label: string): string[] {
  const rows = markdown.split('\n').filter((line) => line.startsWith('|'));
  const cells = rows.map((row) =>
    row
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  );
  const found = cells.find(([first]) => first === label);
  if (found === undefined) throw new Error(`no table row for ${label}`);
  return found;
}

function decodeEntities(text: string): string {
  return text
    .replaceAll(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&');
}
