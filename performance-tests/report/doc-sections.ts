/**
 * The generated sections of docs/performance.md, from the committed summaries alone
 * (published-runs.ts): the goals of the newest capacity run, its capacities, baselines and bursts,
 * and the newest gateway benchmark's variants. Markdown in the form prettier leaves as it is.
 */
import type { CapacitySummary } from './capacity-summary.schema';
import { formatDateTime, formatDuration, formatMs, formatNumber, formatRate } from './figure-format';
import { renderTable } from './markdown-render';
import type { PublishedRun, PublishedRuns } from './published-runs';
import type { Table } from './report-tables';
import { titleOfVariantField, variantRows, type TolerantGatewaySummary } from './tolerant-gateway-summary';

export const SECTION_NAMES = ['capacity-goals', 'capacity-figures', 'gateway-variants'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** Links are relative to docs/performance.md. */
const RUNS_LINK = 'performance/runs';

export function renderDocSections(runs: PublishedRuns): Record<SectionName, string> {
  return {
    'capacity-goals': runs.capacity ? renderCapacityGoals(runs.capacity) : NO_CAPACITY_RUN,
    'capacity-figures': runs.capacity ? renderCapacityFigures(runs.capacity) : NO_CAPACITY_RUN,
    'gateway-variants': runs.gateway ? renderGatewayVariants(runs.gateway) : NO_GATEWAY_RUN,
  };
}

const NO_CAPACITY_RUN =
  'No capacity run is published yet: `npm run perf -- capacity`, then `npm run perf:publish -- performance-tests/results/<folder>`.';
const NO_GATEWAY_RUN =
  'No gateway benchmark is published yet: `RESULTS_DIR=performance-tests/results/<stamp>-gateway npm run perf:gateway`, then `npm run perf:publish -- performance-tests/results/<stamp>-gateway`.';

function renderCapacityGoals(run: PublishedRun<CapacitySummary>): string {
  const { summary } = run;
  const table: Table = {
    columns: textColumns('figure', 'goal', 'measured', 'verdict'),
    rows: summary.goals.map((goal) => [goal.figure, goal.goal, goal.measured, formatVerdict(goal.verdict)]),
  };
  return [describeRun(run), renderTable(table)].join('\n\n');
}

function describeRun({ folder, summary }: PublishedRun<CapacitySummary>): string {
  const { machine } = summary;
  const load = (when: 'before' | 'after') => {
    const reading = machine[when];
    if (!reading) return `load average not recorded ${when} the run`;
    const busy = reading.busy.map((entry) => `${entry.command} ${entry.cpu_percent}%`).join(', ');
    return `load average ${reading.load_average[0]} ${when} the run (busy then: ${busy || 'nothing else'})`;
  };
  return [
    `From [\`${folder}\`](${RUNS_LINK}/${folder}/summary.json): \`${summary.command}\`,`,
    `started ${formatDateTime(summary.started_at)}, ${formatDuration(summary.duration_s)};`,
    `${machine.cpus} CPUs (${machine.cpu_model}), Node ${machine.node}${machine.k6 ? `, ${machine.k6.startsWith('k6') ? '' : 'k6 '}${machine.k6}` : ''};`,
    `${load('before')}; ${load('after')}.`,
  ].join('\n');
}

function renderCapacityFigures(run: PublishedRun<CapacitySummary>): string {
  const { summary, folder } = run;
  const capacity: Table = {
    columns: [...textColumns('mode'), numericColumn('capacity /s'), ...textColumns('SLO held')],
    rows: summary.capacity.map((entry) => [entry.mode, formatRate(entry.max_rps), entry.slo]),
  };
  const baselines: Table = {
    columns: [...textColumns('baseline', 'what'), numericColumn('value'), ...textColumns('ratio')],
    rows: summary.baselines.map((baseline) => [
      baseline.name,
      baseline.description,
      `${formatNumber(baseline.value, Number.isInteger(baseline.value) ? 0 : 2)} ${baseline.unit}`.trim(),
      baseline.ratio ? `${baseline.ratio.value.toFixed(2)}× ${baseline.ratio.to}` : '—',
    ]),
  };
  const blocks = [
    'Capacity per mode: the highest offered rate that held its SLO.',
    renderTable(capacity),
    ...(run.plots.includes('capacity') ? [`![Capacity per mode](${RUNS_LINK}/${folder}/plots/capacity.svg)`] : []),
    'Baselines of the same run:',
    renderTable(baselines),
    ...renderBursts(summary.sync_burst),
    ...(summary.notes.length > 0 ? ['Notes of the run:', summary.notes.map((note) => `- ${note}`).join('\n')] : []),
  ];
  return blocks.join('\n\n');
}

function renderBursts(burst: CapacitySummary['sync_burst']): string[] {
  if (!burst || burst.rounds.length === 0) return [];
  const total = burst.rounds.reduce(
    (sum, round) => ({ sent: sum.sent + round.sent, created: sum.created + round.created_within }),
    { sent: 0, created: 0 },
  );
  const share = (created: number, sent: number) => (sent === 0 ? '—' : `${((created / sent) * 100).toFixed(1)}%`);
  const table: Table = {
    columns: [
      ...textColumns('burst'),
      ...['sent', `201 within ${burst.within_ms} ms`, 'share'].map(numericColumn),
      ...textColumns('statuses'),
      ...['p50 ms', 'p99 ms', 'max ms', 'all sent within ms'].map(numericColumn),
    ],
    rows: [
      ...burst.rounds.map((round, index) => [
        String(index + 1),
        formatNumber(round.sent),
        formatNumber(round.created_within),
        share(round.created_within, round.sent),
        Object.entries(round.statuses)
          .map(([status, count]) => `${count} × ${status === '0' ? 'no answer' : status}`)
          .join(', '),
        formatMs(round.p50_ms),
        formatMs(round.p99_ms),
        formatMs(round.max_ms),
        formatMs(round.send_spread_ms),
      ]),
      [
        'total',
        formatNumber(total.sent),
        formatNumber(total.created),
        share(total.created, total.sent),
        '',
        '',
        '',
        '',
        '',
      ],
    ],
  };
  return [
    `Sync bursts: ${burst.orders_per_burst} orders sent at the same moment through the gateway, each burst alone:`,
    renderTable(table),
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

function textColumns(...titles: string[]): Table['columns'] {
  return titles.map((title) => ({ title, numeric: false }));
}

function numericColumn(title: string): Table['columns'][number] {
  return { title, numeric: true };
}
