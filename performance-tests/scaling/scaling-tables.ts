/**
 * The tables of a scaling experiment, for its report and for docs/performance.md alike: per series
 * X(N) with its repeats, efficiency and CPU per order; one row per series with its USL fit and the
 * projection to PROJECT_TO replicas (marked as a projection).
 */
import { ABSENT, formatNumber, formatRate } from '../report/figure-format';
import { textColumns, type Table } from '../report/report-tables';
import { describeLimit } from './point-limit';
import { isFitted, PROJECT_TO, type ScalingCurve } from './scaling-curve';

export function describeSeries(curve: ScalingCurve): string {
  const { tier, mode, dataset } = curve.series;
  const what = {
    sync: 'sync capacity',
    async: 'async acceptance capacity',
    drain: 'worker drain rate',
    sustained: 'sustained async rate',
  }[mode];
  return `${tier} × N: ${what}${dataset === 'default' ? '' : ` (${dataset} data set)`}`;
}

/** One row per replica count of one series. */
export function tabulatePoints(curve: ScalingCurve): Table {
  const processes = [...new Set(curve.points.flatMap((point) => Object.keys(point.cpuMsPerOrder ?? {})))].sort();
  const rowLocks = curve.points.some((point) => point.productLockWaitMs !== undefined);
  const limits = curve.points.some((point) => point.limit !== undefined);
  return {
    columns: [
      { title: 'N', numeric: true },
      { title: `X(N) ${curve.series.unit}`, numeric: true },
      { title: 'repeats (low–high)', numeric: false },
      { title: 'efficiency', numeric: true },
      { title: 'USL X(N)', numeric: true },
      ...processes.map((name) => ({ title: `${name} CPU ms/order`, numeric: true })),
      { title: 'system cores busy', numeric: true },
      ...(rowLocks ? [{ title: 'product-row lock wait ms/order', numeric: true }] : []),
      ...(limits ? [{ title: 'limited by (at the lowest missed rate)', numeric: false }] : []),
      { title: 'detail', numeric: false },
    ],
    rows: curve.points.map((point) => [
      String(point.n),
      formatRate(point.x),
      point.repeats === 1 ? '1' : `${point.repeats} (${formatRate(point.low)}–${formatRate(point.high)})`,
      point.efficiency === undefined ? ABSENT : formatNumber(point.efficiency, 2),
      fittedAt(curve, point.n),
      ...processes.map((name) => formatCpu(point.cpuMsPerOrder?.[name])),
      point.systemCores === undefined ? ABSENT : formatNumber(point.systemCores, 2),
      ...(rowLocks ? [point.productLockWaitMs === undefined ? ABSENT : formatNumber(point.productLockWaitMs, 2)] : []),
      ...(limits ? [`${describeLimit(point.limit)}${isFitted(point) ? '' : ' (not fitted)'}`] : []),
      point.detail,
    ]),
  };
}

/** The same series in several runs, a row per run: X(N) and the scaled tier's CPU per order, by N. */
export function tabulateRunToRun(runs: readonly { folder: string; curve: ScalingCurve }[]): Table {
  return {
    columns: [
      ...textColumns('series', 'run'),
      { title: 'X(N) for N = …', numeric: false },
      { title: 'scaled tier CPU ms/order for N = …', numeric: false },
    ],
    rows: runs.map(({ folder, curve }) => [
      describeSeries(curve),
      folder,
      curve.points.map((point) => `${point.n}: ${formatRate(point.x)}`).join(' · '),
      curve.points.map((point) => `${point.n}: ${formatCpu(point.cpuMsPerOrder?.[curve.series.tier])}`).join(' · '),
    ]),
  };
}

/** One row per series: its fit, where it peaks, and the projection to PROJECT_TO. */
export function tabulateFits(curves: readonly ScalingCurve[]): Table {
  return {
    columns: [
      ...textColumns('series'),
      { title: 'λ = X(1)', numeric: true },
      { title: 'σ contention', numeric: true },
      { title: 'κ coherency', numeric: true },
      { title: 'R²', numeric: true },
      { title: 'peak at N', numeric: true },
      { title: `projected X(${PROJECT_TO})`, numeric: true },
      { title: `projected efficiency at ${PROJECT_TO}`, numeric: true },
    ],
    rows: curves.map((curve) => {
      const fit = curve.fit;
      if (!fit)
        return [
          `${describeSeries(curve)} (no fit: ${curve.fitError ?? 'too few points'})`,
          ...Array<string>(7).fill(ABSENT),
        ];
      const projected = curve.projection.at(-1)?.x;
      return [
        describeSeries(curve),
        formatRate(fit.lambda),
        formatCoefficient(fit.sigma),
        formatCoefficient(fit.kappa),
        formatNumber(fit.r2, 2),
        // σ ≥ 1 puts the peak below one replica: every replica added lowers X(N).
        fit.peakN === undefined ? 'none' : fit.peakN < 1 ? '< 1 (falls from N = 1)' : formatNumber(fit.peakN, 1),
        projected === undefined ? ABSENT : formatRate(Math.round(projected)),
        projected === undefined ? ABSENT : formatNumber(projected / (PROJECT_TO * fit.lambda), 2),
      ];
    }),
  };
}

function fittedAt(curve: ScalingCurve, n: number): string {
  const x = curve.projection.find((point) => point.n === n)?.x;
  return x === undefined ? ABSENT : formatRate(Math.round(x));
}

function formatCpu(value: number | undefined): string {
  return value === undefined ? ABSENT : formatNumber(value, value < 10 ? 2 : 1);
}

function formatCoefficient(value: number): string {
  return value === 0 ? '0' : value < 0.001 ? value.toExponential(1) : formatNumber(value, 3);
}
