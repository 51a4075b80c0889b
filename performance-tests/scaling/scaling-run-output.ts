/** What a local scaling run leaves beside result.json: summary.json, report.md and the plots; and what it prints. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../report/result.schema';
import { REPOSITORY_ROOT } from '../report/published-runs';
import type { RunContext } from '../runner/run-context';
import { scalingCurve } from './scaling-curve';
import { writeScalingReport } from './scaling-report';
import { summarizeScalingRun } from './scaling-run-summary';
import { SCALING_SUMMARY_FILE } from './scaling-summary.schema';
import type { ScalingOutcome } from './scaling.scenario';
import { describeSeries } from './scaling-tables';

export function writeScalingRun(ctx: RunContext, result: RunResult, scaling: ScalingOutcome): void {
  const summary = summarizeScalingRun(result, scaling, path.basename(ctx.dir));
  writeFileSync(path.join(ctx.dir, SCALING_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  const { plots } = writeScalingReport(ctx.dir, summary);
  ctx.say(`wrote ${SCALING_SUMMARY_FILE}, report.md and ${plots.length} scaling plots`);
  for (const curve of summary.series.map(scalingCurve)) {
    const points = curve.points
      .map(
        (point) =>
          `X(${point.n}) ${point.x}${point.efficiency === undefined ? '' : ` (eff ${point.efficiency.toFixed(2)})`}`,
      )
      .join(', ');
    const fit = curve.fit
      ? `σ ${curve.fit.sigma.toPrecision(2)}, κ ${curve.fit.kappa.toPrecision(2)}, R² ${curve.fit.r2.toFixed(2)}`
      : `no fit: ${curve.fitError}`;
    ctx.say(`${describeSeries(curve)}: ${points}; ${fit}`);
  }
  ctx.say(`publish it with: npm run perf:publish -- ${path.relative(REPOSITORY_ROOT, ctx.dir)}`);
}
