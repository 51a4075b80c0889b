/**
 * docs/performance.md's `scaling` section: the published scaling experiment with the most series,
 * plots linked from its folder, and how its series came out in the other published runs.
 */
import type { PublishedRun } from '../report/published-runs';
import { renderTable } from '../report/markdown-render';
import { scalingCurve } from './scaling-curve';
import { renderScalingMarkdown } from './scaling-report';
import type { ScalingSeries, ScalingSummary } from './scaling-summary.schema';
import { tabulateRunToRun } from './scaling-tables';

/** Links are relative to docs/performance.md. */
const RUNS_LINK = 'performance/runs';

export function renderScalingDocSection(
  main: PublishedRun<ScalingSummary>,
  runs: readonly PublishedRun<ScalingSummary>[] = [main],
): string {
  const { folder, summary } = main;
  return [
    `From [\`${folder}\`](${RUNS_LINK}/${folder}/summary.json).`,
    renderScalingMarkdown(summary, (name) => `${RUNS_LINK}/${folder}/plots/${name}.svg`),
    ...renderRunToRun(main, runs),
  ].join('\n');
}

/** The same tier, mode and data set, each replica under the same CPU share. */
function isSameSeries(a: ScalingSeries, b: ScalingSeries): boolean {
  return (
    a.tier === b.tier && a.mode === b.mode && a.dataset === b.dataset && a.cores_per_replica === b.cores_per_replica
  );
}

/** Each series of `main` as every published run measured it, when another run did too. */
function renderRunToRun(main: PublishedRun<ScalingSummary>, runs: readonly PublishedRun<ScalingSummary>[]): string[] {
  const others = runs.filter((run) => run.folder !== main.folder);
  const rows = main.summary.series.flatMap((series) => {
    const same = [main, ...others].flatMap(({ folder, summary }) =>
      summary.series
        .filter((other) => isSameSeries(other, series))
        .map((other) => ({ folder, curve: scalingCurve(other) })),
    );
    return same.length > 1 ? [same] : [];
  });
  if (rows.length === 0) return [];
  return [
    '',
    'Run to run: the series that other published runs of this experiment measured again with the same ' +
      'CPU share per replica (each summary has its command and settings), the run above first. Where ' +
      'the runs disagree, the difference is the machine or what ran before the series, not the mode.',
    '',
    renderTable(tabulateRunToRun(rows.flat())),
  ];
}
