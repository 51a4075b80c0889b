/**
 * Regenerates a run's report from its result.json, e.g. after editing the notes or the goals:
 *
 *   npm run perf:report -- performance-tests/results/<timestamp>-<scenario>
 */
import { readRunResult } from './result.schema';
import { REPORT_HTML, REPORT_MARKDOWN, writeReport } from './write-report';

function main(args: readonly string[]): void {
  const [resultDir] = args;
  if (resultDir === undefined || args.length !== 1) {
    console.error('usage: npm run perf:report -- <result-dir>   (the folder holding result.json)');
    process.exitCode = 2;
    return;
  }
  const startedAt = performance.now();
  const { plots } = writeReport(resultDir, readRunResult(resultDir));
  const elapsed = (performance.now() - startedAt).toFixed(0);
  console.log(`wrote ${REPORT_MARKDOWN}, ${REPORT_HTML} and ${plots.length} plots in ${resultDir} (${elapsed} ms)`);
  for (const plot of plots) console.log(`  ${plot}`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
