/** docs/performance.md's `scaling` section: the newest published scaling experiment, plots linked from its folder. */
import type { PublishedRun } from '../report/published-runs';
import { renderScalingMarkdown } from './scaling-report';
import type { ScalingSummary } from './scaling-summary.schema';

/** Links are relative to docs/performance.md. */
const RUNS_LINK = 'performance/runs';

export function renderScalingDocSection({ folder, summary }: PublishedRun<ScalingSummary>): string {
  return [
    `From [\`${folder}\`](${RUNS_LINK}/${folder}/summary.json).`,
    renderScalingMarkdown(summary, (name) => `${RUNS_LINK}/${folder}/plots/${name}.svg`),
  ].join('\n');
}
