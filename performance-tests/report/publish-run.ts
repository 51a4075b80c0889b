/**
 * Copies a run's summary (and its small plots) from its results folder to
 * docs/performance/runs/<folder>/: any kind (summary-kinds.ts), or one made from an older run's
 * result.json. A compare run also gets its sync-vs-async latency plot, drawn from the summary.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeScalingPlots } from '../scaling/scaling-report';
import type { LoadSummary } from './load-summary.schema';
import { pairModes } from './load-summary-tables';
import { MODE_LATENCY_PLOT, plotModeLatency } from './mode-latency-plot';
import { GATEWAY_SUFFIX, RUNS_DIR, SUMMARY_FILE } from './published-runs';
import { readRunDirSummary } from './run-dir-summary';

/** Plots larger than this stay in the results folder. */
const MAX_PLOT_BYTES = 100_000;

/** Copies the run's summary (and its small plots) under docs/performance/runs/; returns the files written. */
export function publishRun(resultsDir: string, runsDir = RUNS_DIR): string[] {
  const folder = path.basename(resultsDir);
  const read = readRunDirSummary(resultsDir);
  if (read.kind === 'gateway') {
    // perf:gateway's own file, copied as it is (its folder named for its kind).
    const target = path.join(runsDir, folder.endsWith(GATEWAY_SUFFIX) ? folder : `${folder}${GATEWAY_SUFFIX}`);
    mkdirSync(target, { recursive: true });
    copyFileSync(path.join(resultsDir, SUMMARY_FILE), path.join(target, SUMMARY_FILE));
    return [path.join(target, SUMMARY_FILE)];
  }
  const target = path.join(runsDir, folder);
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, SUMMARY_FILE), `${JSON.stringify(read.summary, null, 2)}\n`);
  return [
    path.join(target, SUMMARY_FILE),
    // A scaling run's plots are drawn again from its summary: its run folder's others are not shown.
    ...(read.kind === 'scaling'
      ? writeScalingPlots(path.join(target, 'plots'), read.summary)
      : copySmallPlots(path.join(resultsDir, 'plots'), path.join(target, 'plots'))),
    ...(read.kind === 'load' ? drawModeLatency(read.summary, path.join(target, 'plots')) : []),
  ];
}

function copySmallPlots(from: string, to: string): string[] {
  if (!existsSync(from)) return [];
  const plots = readdirSync(from).filter(
    (file) => file.endsWith('.svg') && statSync(path.join(from, file)).size <= MAX_PLOT_BYTES,
  );
  mkdirSync(to, { recursive: true });
  for (const file of plots) copyFileSync(path.join(from, file), path.join(to, file));
  return plots.map((file) => path.join(to, file));
}

/** A compare run's sync and async latencies in one chart, drawn from its summary. */
function drawModeLatency(summary: LoadSummary, plotsDir: string): string[] {
  const svg = summary.scenario === 'compare' ? plotModeLatency(pairModes(summary.steps)) : undefined;
  if (svg === undefined) return [];
  mkdirSync(plotsDir, { recursive: true });
  const file = path.join(plotsDir, `${MODE_LATENCY_PLOT}.svg`);
  writeFileSync(file, svg);
  return [file];
}
