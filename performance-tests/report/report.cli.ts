/**
 * Regenerates a run's report from its result.json, e.g. after editing the notes or the goals:
 *
 *   npm run perf:report -- performance-tests/results/<timestamp>-<scenario>
 *   npm run perf:report -- --scaling performance-tests/results/aws/<experiment-id>
 *
 * `--scaling`: an ECS scaling experiment's points (experiment.json present) are assembled into
 * summary.json first (scaling/ecs-runs.ts); otherwise the folder's summary.json is read as it is.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXPERIMENT_FILE, assembleEcsExperiment } from '../scaling/ecs-runs';
import { writeScalingReport } from '../scaling/scaling-report';
import { SCALING_SUMMARY_FILE, readScalingSummary } from '../scaling/scaling-summary.schema';
import { readRunResult } from './result.schema';
import { REPORT_HTML, REPORT_MARKDOWN, writeReport } from './write-report';

function main(args: readonly string[]): void {
  if (args[0] === '--scaling') return reportScaling(args.slice(1));
  const [resultDir] = args;
  if (resultDir === undefined || args.length !== 1) {
    console.error('usage: npm run perf:report -- <result-dir>   (the folder holding result.json)');
    console.error('       npm run perf:report -- --scaling <experiment-dir>');
    process.exitCode = 2;
    return;
  }
  const startedAt = performance.now();
  const { plots } = writeReport(resultDir, readRunResult(resultDir));
  const elapsed = (performance.now() - startedAt).toFixed(0);
  console.log(`wrote ${REPORT_MARKDOWN}, ${REPORT_HTML} and ${plots.length} plots in ${resultDir} (${elapsed} ms)`);
  for (const plot of plots) console.log(`  ${plot}`);
}

function reportScaling(args: readonly string[]): void {
  const [dir] = args;
  if (dir === undefined || args.length !== 1) {
    console.error('usage: npm run perf:report -- --scaling <experiment-dir>');
    process.exitCode = 2;
    return;
  }
  const summaryFile = path.join(dir, SCALING_SUMMARY_FILE);
  const fromPoints = existsSync(path.join(dir, EXPERIMENT_FILE));
  const summary = fromPoints ? assembleEcsExperiment(dir) : readScalingSummary(summaryFile);
  if (fromPoints) writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  const { plots } = writeScalingReport(dir, summary);
  console.log(`wrote ${fromPoints ? `${SCALING_SUMMARY_FILE}, ` : ''}the report and ${plots.length} plots in ${dir}`);
  for (const plot of plots) console.log(`  ${path.join(dir, plot)}`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
