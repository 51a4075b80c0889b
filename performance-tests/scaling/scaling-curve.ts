/**
 * What a scaling series says, derived from its points: X(N) (the median of the repeats), the
 * efficiency X(N) / (N · X(1)), the USL fit, and the fitted curve projected to PROJECT_TO replicas
 * (a projection: beyond the largest measured N nothing was measured). A point the machine limited
 * (point-limit.ts) measured the machine's cores, not the tier: it is shown, and left out of the fit.
 */
import type { PointLimitRecord, ScalingSeries } from './scaling-summary.schema';
import { fitUsl, uslThroughput, UslFitError, type UslFit } from './usl';

export const PROJECT_TO = 16;

export interface CurvePoint {
  readonly n: number;
  readonly x: number;
  /** Smallest and largest repeat. */
  readonly low: number;
  readonly high: number;
  readonly repeats: number;
  /** X(N) / (N · X(1)); undefined without a point at N = 1. */
  readonly efficiency?: number;
  readonly cpuMsPerOrder: Readonly<Record<string, number>> | null;
  /**
   * Cores the measured processes (the system's, not k6) kept busy at X(N): X(N) × their CPU per
   * order above rest, plus their CPU at rest. Near the machine's cores, the machine is the limit.
   */
  readonly systemCores?: number;
  readonly detail: string;
  /** What held the point back (undefined: not read; null: nothing missed). */
  readonly limit?: PointLimitRecord | null;
  /** Time reservations waited for product rows, per order completed, ms (undefined: not read). */
  readonly productLockWaitMs?: number;
}

/** Whether a point says something about its tier: not limited by the machine. */
export function isFitted(point: Pick<CurvePoint, 'limit'>): boolean {
  return point.limit?.verdict !== 'machine';
}

export interface ScalingCurve {
  readonly series: ScalingSeries;
  readonly points: readonly CurvePoint[];
  /** Undefined when the points cannot be fitted (`fitError` says why). */
  readonly fit?: UslFit;
  readonly fitError?: string;
  /** The fitted X(N) for N = 1 … PROJECT_TO; `measured` marks counts inside the measured range. */
  readonly projection: readonly { n: number; x: number; measured: boolean }[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function scalingCurve(series: ScalingSeries): ScalingCurve {
  const measured = [...series.points]
    .sort((a, b) => a.n - b.n)
    .map((point) => ({
      n: point.n,
      x: median(point.runs),
      low: Math.min(...point.runs),
      high: Math.max(...point.runs),
      repeats: point.runs.length,
      cpuMsPerOrder: point.cpu_ms_per_order,
      ...systemCoresOf(median(point.runs), point),
      detail: point.detail,
      ...(point.limit !== undefined && { limit: point.limit }),
      ...(typeof point.row_locks?.product_wait_ms_per_order === 'number' && {
        productLockWaitMs: point.row_locks.product_wait_ms_per_order,
      }),
    }));
  const single = measured.find((point) => point.n === 1)?.x;
  const points = measured.map((point) =>
    single !== undefined && single > 0 ? { ...point, efficiency: point.x / (point.n * single) } : point,
  );
  const { fit, fitError } = tryFit(points);
  // The fit stands for the counts it was fitted to; beyond the largest of them it is a projection.
  const largest = Math.max(...points.filter(isFitted).map((point) => point.n));
  const projection = fit
    ? Array.from({ length: PROJECT_TO }, (_, index) => index + 1).map((n) => ({
        n,
        x: uslThroughput(fit, n),
        measured: n <= largest,
      }))
    : [];
  return { series, points, ...(fit && { fit }), ...(fitError !== undefined && { fitError }), projection };
}

function systemCoresOf(x: number, point: ScalingSeries['points'][number]): { systemCores?: number } {
  if (!point.cpu_ms_per_order || !point.idle_cpu_ms_per_s) return {};
  const sum = (values: Record<string, number>) => Object.values(values).reduce((total, value) => total + value, 0);
  return { systemCores: (x * sum(point.cpu_ms_per_order) + sum(point.idle_cpu_ms_per_s)) / 1000 };
}

function tryFit(points: readonly CurvePoint[]): { fit?: UslFit; fitError?: string } {
  const machineBound = points.filter((point) => !isFitted(point)).map((point) => point.n);
  try {
    return { fit: fitUsl(points.filter(isFitted).map(({ n, x }) => ({ n, x }))) };
  } catch (error) {
    if (!(error instanceof UslFitError)) throw error;
    const left = machineBound.length > 0 ? ` (N = ${machineBound.join(', ')} limited by the machine, not fitted)` : '';
    return { fitError: `${error.message}${left}` };
  }
}
