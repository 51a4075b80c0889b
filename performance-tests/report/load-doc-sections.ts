/**
 * docs/performance.md's sections of the load runs (compare, spike, soak), each from the newest
 * published summary of its scenario and data set: the run's header, its steps, the plots published
 * with it and its notes; and sync beside async at the same rates from the newest default compare run.
 */
import { RUNS_LINK, describeNotPublished, describeRun, imageOfPlot, listNotes } from './doc-run-header';
import type { LoadScenario, LoadSummary } from './load-summary.schema';
import { pairModes, tabulateLoadSteps, tabulateModePairs } from './load-summary-tables';
import { renderTable } from './markdown-render';
import { MODE_LATENCY_PLOT } from './mode-latency-plot';
import { newestLoadRun, type PublishedRun, type PublishedRuns } from './published-runs';
import { tabulateBaselines } from './report-tables';

export const LOAD_SECTION_NAMES = ['compare', 'compare-modes', 'compare-contention', 'spike', 'soak'] as const;
export type LoadSectionName = (typeof LOAD_SECTION_NAMES)[number];

interface LoadSection {
  readonly scenario: LoadScenario;
  readonly dataset: string;
  /** What the section lacks until a run is published, and the command that makes one. */
  readonly what: string;
  readonly command: string;
  readonly render: (run: PublishedRun<LoadSummary>) => string;
}

/** The plots each scenario's section shows when they were published with the run. */
const PLOTS: Readonly<Record<LoadScenario, readonly (readonly [name: string, title: string])[]>> = {
  compare: [
    ['throughput', 'compare: throughput achieved vs offered'],
    ['latency', 'compare: request latency'],
    ['e2e-latency', 'compare: async end-to-end latency'],
    ['consumer-lag', 'compare: consumer lag'],
    ['errors', 'compare: errors per step'],
  ],
  spike: [
    ['latency', 'spike: request latency over time'],
    ['consumer-lag', 'spike: consumer lag'],
    ['errors', 'spike: errors per phase'],
  ],
  soak: [
    ['latency', 'soak: request latency over time'],
    ['memory', 'soak: memory of each service'],
  ],
};

const SECTIONS: Readonly<Record<LoadSectionName, LoadSection>> = {
  compare: section('compare', 'default', 'compare run on the default data set', 'npm run perf -- compare'),
  'compare-modes': {
    ...section('compare', 'default', 'compare run on the default data set', 'npm run perf -- compare'),
    render: renderModePairs,
  },
  'compare-contention': section(
    'compare',
    'contention',
    'compare run on the contention data set',
    'npm run perf -- compare --dataset contention',
  ),
  spike: section('spike', 'default', 'spike run', 'npm run perf -- spike'),
  soak: section('soak', 'default', 'soak run', 'npm run perf -- soak'),
};

export function renderLoadSections(runs: PublishedRuns): Record<LoadSectionName, string> {
  const entries = LOAD_SECTION_NAMES.map((name) => {
    const { scenario, dataset, what, command, render } = SECTIONS[name];
    const run = newestLoadRun(runs, scenario, dataset);
    return [name, run ? render(run) : describeNotPublished(what, command)] as const;
  });
  return Object.fromEntries(entries) as Record<LoadSectionName, string>;
}

function section(scenario: LoadScenario, dataset: string, what: string, command: string): LoadSection {
  return { scenario, dataset, what, command, render: renderSteps };
}

/** The run's header, one row per step, its plots and its notes. */
function renderSteps(run: PublishedRun<LoadSummary>): string {
  const { summary } = run;
  return [
    describeRun(run),
    renderTable(tabulateLoadSteps(summary.steps)),
    ...PLOTS[summary.scenario].flatMap(([name, title]) => imageOfPlot(run, name, title)),
    ...(summary.baselines.length > 0
      ? ['Baselines of the same run:', renderTable(tabulateBaselines(summary.baselines))]
      : []),
    ...listNotes('Notes of the run:', summary.notes),
  ].join('\n\n');
}

/** Sync beside async at each rate both were offered, and the two in one latency chart. */
function renderModePairs(run: PublishedRun<LoadSummary>): string {
  const pairs = pairModes(run.summary.steps);
  const source = `From [\`${run.folder}\`](${RUNS_LINK}/${run.folder}/summary.json), the compare run above.`;
  if (pairs.length === 0) return `${source} It offered no rate to both sync and async.`;
  return [
    source,
    renderTable(tabulateModePairs(pairs)),
    ...imageOfPlot(run, MODE_LATENCY_PLOT, 'sync vs async: acceptance and end-to-end latency'),
  ].join('\n\n');
}
