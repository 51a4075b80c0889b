/**
 * The generated sections of docs/performance.md, from the committed summaries alone
 * (published-runs.ts): the goals of the newest capacity run, its capacities, baselines and bursts,
 * the newest gateway benchmark's variants, the load runs' sections (load-doc-sections.ts), the
 * newest outbox burst and the newest scaling experiment. Markdown in the form prettier leaves as it is.
 */
import { renderOutboxDocSection } from '../outbox/outbox-doc';
import { renderScalingDocSection } from '../scaling/scaling-doc';
import type { CapacitySummary } from './capacity-summary.schema';
import { RUNS_LINK, describeNotPublished, describeRun } from './doc-run-header';
import { formatDateTime, formatNumber } from './figure-format';
import { LOAD_SECTION_NAMES, renderLoadSections } from './load-doc-sections';
import { renderTable } from './markdown-render';
import type { PublishedRun, PublishedRuns } from './published-runs';
import {
  tabulateBaselines,
  tabulateBursts,
  tabulateCapacity,
  textColumns,
  type BurstFigures,
  type Table,
} from './report-tables';
import { titleOfVariantField, variantRows, type TolerantGatewaySummary } from './tolerant-gateway-summary';

export const SECTION_NAMES = [
  'capacity-goals',
  'capacity-figures',
  'gateway-variants',
  ...LOAD_SECTION_NAMES,
  'outbox',
  'scaling',
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export function renderDocSections(runs: PublishedRuns): Record<SectionName, string> {
  return {
    'capacity-goals': runs.capacity ? renderCapacityGoals(runs.capacity) : NO_CAPACITY_RUN,
    'capacity-figures': runs.capacity ? renderCapacityFigures(runs.capacity) : NO_CAPACITY_RUN,
    'gateway-variants': runs.gateway ? renderGatewayVariants(runs.gateway) : NO_GATEWAY_RUN,
    ...renderLoadSections(runs),
    outbox: runs.outbox ? renderOutboxDocSection(runs.outbox) : NO_OUTBOX_RUN,
    scaling: runs.scaling ? renderScalingDocSection(runs.scaling, runs.scalingRuns) : NO_SCALING_RUN,
  };
}

const NO_CAPACITY_RUN = describeNotPublished('capacity run', 'npm run perf -- capacity');
const NO_GATEWAY_RUN =
  'No gateway benchmark is published yet: `RESULTS_DIR=performance-tests/results/<stamp>-gateway npm run perf:gateway`, then `npm run perf:publish -- performance-tests/results/<stamp>-gateway`.';
const NO_OUTBOX_RUN = describeNotPublished('outbox burst', 'npm run perf:outbox', '<stamp>-outbox');
const NO_SCALING_RUN = describeNotPublished('scaling experiment', 'npm run perf -- scaling');

function renderCapacityGoals(run: PublishedRun<CapacitySummary>): string {
  const { summary } = run;
  const table: Table = {
    columns: textColumns('figure', 'goal', 'measured', 'verdict'),
    rows: summary.goals.map((goal) => [goal.figure, goal.goal, goal.measured, formatVerdict(goal.verdict)]),
  };
  return [describeRun(run), renderTable(table)].join('\n\n');
}

function renderCapacityFigures(run: PublishedRun<CapacitySummary>): string {
  const { summary, folder } = run;
  const capacity = summary.capacity.map(({ mode, max_rps, slo }) => ({ mode, maxRps: max_rps, slo }));
  const blocks = [
    'Capacity per mode: the highest offered rate that held its SLO.',
    renderTable(tabulateCapacity(capacity)),
    ...(run.plots.includes('capacity') ? [`![Capacity per mode](${RUNS_LINK}/${folder}/plots/capacity.svg)`] : []),
    'Baselines of the same run:',
    renderTable(tabulateBaselines(summary.baselines)),
    ...renderBursts(summary.sync_burst),
    ...(summary.notes.length > 0 ? ['Notes of the run:', summary.notes.map((note) => `- ${note}`).join('\n')] : []),
  ];
  return blocks.join('\n\n');
}

/** The summary's bursts in the report's shape, drawn by the report's own table. */
function renderBursts(burst: CapacitySummary['sync_burst']): string[] {
  if (!burst || burst.rounds.length === 0) return [];
  const figures: BurstFigures = {
    withinMs: burst.within_ms,
    rounds: burst.rounds.map((round) => ({
      sent: round.sent,
      createdWithin: round.created_within,
      statuses: round.statuses,
      latencyMs: { p50: round.p50_ms, p99: round.p99_ms, max: round.max_ms },
      sendSpreadMs: round.send_spread_ms,
    })),
  };
  return [
    `Sync bursts: ${burst.orders_per_burst} orders sent at the same moment through the gateway, each burst alone:`,
    renderTable(tabulateBursts(figures)),
  ];
}

function renderGatewayVariants({ folder, summary }: PublishedRun<TolerantGatewaySummary>): string {
  const figure = summary.gateway_own_cpu_us_above_library;
  const { columns, rows } = variantRows(summary);
  const intro = [
    `From [\`${folder}\`](${RUNS_LINK}/${folder}/summary.json)${summary.command ? `: \`${summary.command}\`` : ''}${summary.started_at ? `, started ${formatDateTime(summary.started_at)}` : ''}.`,
    `The gateway's own CPU per request above bare http-proxy-middleware: ${figure === undefined ? 'not in the summary' : `${formatNumber(figure, Number.isInteger(figure) ? 0 : 1)} µs`}.`,
  ].join('\n');
  if (rows.length === 0) return intro;
  const table: Table = {
    columns: columns.map((field, index) => ({
      title: titleOfVariantField(field),
      numeric: rows.every((row) => typeof row[index] === 'number' || row[index] === null),
    })),
    rows: rows.map((row) => row.map(formatCell)),
  };
  return [intro, renderTable(table)].join('\n\n');
}

function formatCell(cell: string | number | boolean | null): string {
  if (cell === null) return '—';
  return typeof cell === 'number' ? formatNumber(cell, Number.isInteger(cell) ? 0 : 1) : String(cell);
}

function formatVerdict(verdict: CapacitySummary['goals'][number]['verdict']): string {
  return verdict === 'met' ? '✓ met' : verdict === 'missed' ? '✗ missed' : 'not measured';
}
