/**
 * A scaling experiment in words, tables and plots: `report.md` and `plots/*.svg` beside its
 * summary.json, and the same Markdown (with other plot links) as docs/performance.md's `scaling`
 * section (scaling-doc.ts). Everything is derived from the summary's points (scaling-curve.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatDateTime, formatDuration } from '../report/figure-format';
import { renderTable } from '../report/markdown-render';
import { scalingCurve, type ScalingCurve } from './scaling-curve';
import { plotScalingCurve } from './scaling-plots';
import type { ScalingSummary } from './scaling-summary.schema';
import { describeSeries, tabulateFits, tabulatePoints } from './scaling-tables';

export const SCALING_REPORT_FILE = 'report.md';

/** Writes report.md and plots/ into `dir`; returns the plot files written (relative to `dir`). */
export function writeScalingReport(dir: string, summary: ScalingSummary): { plots: string[] } {
  const plots = writeScalingPlots(path.join(dir, 'plots'), summary).map((file) => path.relative(dir, file));
  const markdown = [
    `# Scaling experiment ${summary.run}`,
    renderScalingMarkdown(summary, (name) => `plots/${name}.svg`),
  ];
  writeFileSync(path.join(dir, SCALING_REPORT_FILE), `${markdown.join('\n\n')}\n`);
  return { plots };
}

/** One plot per series into `plotsDir`; returns the files written. */
export function writeScalingPlots(plotsDir: string, summary: ScalingSummary): string[] {
  mkdirSync(plotsDir, { recursive: true });
  return summary.series.map((series) => {
    const plot = plotScalingCurve(scalingCurve(series));
    const file = path.join(plotsDir, `${plot.name}.svg`);
    writeFileSync(file, plot.svg);
    return file;
  });
}

/** The experiment's Markdown body: how it ran, the fits, then each series with its plot. */
export function renderScalingMarkdown(summary: ScalingSummary, plotLink: (name: string) => string): string {
  const curves = summary.series.map(scalingCurve);
  return [
    describeExperiment(summary),
    'USL fit per series (λ from X(1); σ: the serialised share; κ: the cost of replicas agreeing; the projection to 16 is the fitted law, not a measurement):',
    renderTable(tabulateFits(curves)),
    ...curves.flatMap((curve) => renderSeries(curve, plotLink)),
    ...(summary.notes.length > 0 ? ['Notes of the run:', summary.notes.map((note) => `- ${note}`).join('\n')] : []),
  ].join('\n\n');
}

function renderSeries(curve: ScalingCurve, plotLink: (name: string) => string): string[] {
  const plot = plotScalingCurve(curve);
  const cores = curve.series.cores_per_replica;
  return [
    `**${describeSeries(curve)}** — ${curve.series.measure}${cores ? `; ${cores} core per replica` : ''}. CPU per order is each kind's CPU above its rate at rest over the whole search, from \`/proc\`; "system cores busy" is X(N) times their sum plus their CPU at rest (k6 not included).`,
    renderTable(tabulatePoints(curve)),
    `![${plot.title}](${plotLink(plot.name)})`,
  ];
}

function describeExperiment(summary: ScalingSummary): string {
  const { isolation, machine } = summary;
  const share =
    isolation.cores_per_replica === null
      ? `replicas of the scaled tier under ${isolation.mechanism}${isolation.period_us ? ` (period ${isolation.period_us / 1000} ms)` : ''}, cores per replica as each series says`
      : `each replica of the scaled tier limited to ${isolation.cores_per_replica} core${isolation.period_us ? ` (${isolation.mechanism}, period ${isolation.period_us / 1000} ms)` : ` (${isolation.mechanism})`}`;
  const load = (reading: ScalingSummary['machine']['before']) =>
    reading
      ? `${reading.load_average[0]}${reading.busy.length > 0 ? ` (busy: ${reading.busy.map((b) => `${b.command} ${b.cpu_percent}%`).join(', ')})` : ''}`
      : 'not recorded';
  return [
    `\`${summary.command}\` on ${summary.target === 'local' ? 'this machine' : 'AWS ECS'}, started ${formatDateTime(summary.started_at)}, ${formatDuration(summary.duration_s)};`,
    `${machine.cpus ?? '?'} CPUs${machine.cpu_model ? ` (${machine.cpu_model})` : ''}${machine.node ? `, Node ${machine.node}` : ''}${machine.k6 ? `, ${machine.k6}` : ''}; load average ${load(machine.before)} before, ${load(machine.after)} after.`,
    `${share}; ${isolation.others}.`,
  ].join('\n');
}
