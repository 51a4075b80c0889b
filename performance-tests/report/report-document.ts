/**
 * What a report says, as a list of blocks: built once from the result, then rendered to Markdown
 * and to HTML, so the two files cannot tell different stories.
 */
import { formatDateTime, formatDuration } from './figure-format';
import type { Plot } from './plots';
import {
  type Table,
  describeMachine,
  tabulateBaselines,
  tabulateBursts,
  tabulateCapacity,
  tabulateGoals,
  tabulateSettings,
  tabulateSteps,
} from './report-tables';
import type { RunResult } from './result.schema';

export interface Link {
  readonly text: string;
  /** Relative to the result folder; absent when the target is not a local file. */
  readonly href?: string;
}

/** Text may hold `code` spans; everything else is plain text, escaped by each renderer. */
export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'table'; readonly table: Table }
  | { readonly kind: 'plot'; readonly plot: Plot }
  | { readonly kind: 'links'; readonly links: readonly Link[] };

export function titleOfReport(result: RunResult): string {
  return `Performance report: ${result.scenario}, ${formatDateTime(result.startedAt)}`;
}

/** The whole report, section by section; a section the run has nothing for is left out. */
export function buildReportDocument(result: RunResult, plots: readonly Plot[]): Block[] {
  return [
    { kind: 'heading', level: 1, text: titleOfReport(result) },
    { kind: 'paragraph', text: summarizeRun(result) },
    ...(result.command ? [{ kind: 'paragraph' as const, text: `Command: \`${result.command}\`` }] : []),
    ...section('Machine', [{ kind: 'list', items: describeMachine(result.machine) }]),
    ...tableSection('Settings', tabulateSettings(result.settings)),
    ...tableSection('Goals', tabulateGoals(result.goals)),
    ...section('Steps', describeSteps(result.steps)),
    ...tableSection('Capacity', tabulateCapacity(result.capacity ?? [])),
    ...tableSection('Baselines', tabulateBaselines(result.baselines)),
    ...(result.syncBurst ? tableSection('Sync bursts', tabulateBursts(result.syncBurst)) : []),
    ...section('Notes', result.notes.length > 0 ? [{ kind: 'list', items: result.notes }] : []),
    ...section(
      'Plots',
      plots.map((plot) => ({ kind: 'plot', plot })),
    ),
    ...section('Raw files', linksToFiles(result.files)),
  ];
}

function summarizeRun(result: RunResult): string {
  const seconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  const modes = [...new Set(result.steps.map((step) => step.mode))];
  const steps = `${result.steps.length} step${result.steps.length === 1 ? '' : 's'}`;
  const over = modes.length > 0 ? ` over ${modes.map((mode) => `\`${mode}\``).join(', ')}` : '';
  return `Scenario \`${result.scenario}\` against \`${result.baseUrl}\`: ${steps}${over}, from ${formatDateTime(result.startedAt)} to ${formatDateTime(result.finishedAt)} (${formatDuration(seconds)}).`;
}

function describeSteps(steps: RunResult['steps']): Block[] {
  if (steps.length === 0) return [{ kind: 'paragraph', text: 'No step was recorded: k6 reported no load.' }];
  return [{ kind: 'table', table: tabulateSteps(steps) }];
}

function section(title: string, blocks: readonly Block[]): Block[] {
  return blocks.length === 0 ? [] : [{ kind: 'heading', level: 2, text: title }, ...blocks];
}

function tableSection(title: string, table: Table): Block[] {
  return section(title, table.rows.length === 0 ? [] : [{ kind: 'table', table }]);
}

/** Links to the k6 summary, dashboard and profiles; a path that is not relative is shown, not linked. */
function linksToFiles(files: RunResult['files']): Block[] {
  const named: [string, string | undefined][] = [
    ['k6 end-of-test summary', files.k6Summary],
    ['k6 web dashboard', files.k6Dashboard],
    ...(files.profiles ?? []).map((profile): [string, string] => ['profile', profile]),
  ];
  const links = named.flatMap(([label, path]) =>
    path === undefined ? [] : [{ text: `${label}: ${path}`, ...(isRelativePath(path) && { href: path }) }],
  );
  return links.length === 0 ? [] : [{ kind: 'links', links }];
}

function isRelativePath(path: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.startsWith('/') && !path.startsWith('\\');
}
