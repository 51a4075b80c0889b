/**
 * The Universal Scalability Law (Gunther): the throughput of N replicas
 *
 *   X(N) = λ·N / (1 + σ·(N − 1) + κ·N·(N − 1))
 *
 * λ: one replica's throughput; σ (contention): the share of the work that is serialised (a queue
 * every replica waits in: a row lock, one database); κ (coherency): the cost of replicas agreeing
 * with each other, which makes throughput fall past a peak at N* = √((1 − σ) / κ).
 *
 * The fit is Gunther's: λ is X(1) as measured, and with C(N) = X(N) / λ the relation
 * N / C(N) − 1 = σ·(N − 1) + κ·N·(N − 1) is linear in σ and κ, fitted by least squares with both
 * kept ≥ 0 (a negative coefficient has no meaning: it says the points are noise, not scaling).
 */

export interface ScalingPoint {
  /** Replicas of the scaled tier. */
  readonly n: number;
  /** Throughput measured at `n` (e.g. orders/s). */
  readonly x: number;
}

export interface UslFit {
  readonly lambda: number;
  readonly sigma: number;
  readonly kappa: number;
  /** R² of the fitted X(N) against the measured points (1: exact; can be < 0 for a poor fit). */
  readonly r2: number;
  /** Where X(N) peaks (κ > 0), or undefined (it keeps rising towards λ/σ). */
  readonly peakN?: number;
}

export class UslFitError extends Error {
  override readonly name = 'UslFitError';
}

/** X(N) of the law with these coefficients. */
export function uslThroughput(fit: Pick<UslFit, 'lambda' | 'sigma' | 'kappa'>, n: number): number {
  return (fit.lambda * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

/** Fits σ and κ to the points (at least one at N = 1 and two other counts; repeats are averaged). */
export function fitUsl(points: readonly ScalingPoint[]): UslFit {
  const byN = averageByN(points);
  const lambda = byN.get(1);
  if (lambda === undefined || lambda <= 0) throw new UslFitError('the fit needs a throughput above 0 at N = 1');
  const rows = [...byN].filter(([n]) => n > 1).map(([n, x]) => ({ a: n - 1, b: n * (n - 1), y: n / (x / lambda) - 1 }));
  if (rows.length < 2) throw new UslFitError('the fit needs throughputs at two counts above 1');
  if (rows.some((row) => !Number.isFinite(row.y)))
    throw new UslFitError('a throughput of 0 above N = 1 cannot be fitted');
  const { sigma, kappa } = nonNegativeLeastSquares(rows);
  const fit = { lambda, sigma, kappa };
  const peakN = kappa > 0 ? Math.sqrt(Math.max(0, 1 - sigma) / kappa) : undefined;
  return { ...fit, r2: rSquared(byN, fit), ...(peakN !== undefined && { peakN }) };
}

function averageByN(points: readonly ScalingPoint[]): Map<number, number> {
  const sums = new Map<number, { total: number; count: number }>();
  for (const { n, x } of points) {
    if (!Number.isInteger(n) || n < 1) throw new UslFitError(`replica count ${n} is not a whole number ≥ 1`);
    const sum = sums.get(n) ?? { total: 0, count: 0 };
    sums.set(n, { total: sum.total + x, count: sum.count + 1 });
  }
  return new Map([...sums].sort(([a], [b]) => a - b).map(([n, sum]) => [n, sum.total / sum.count]));
}

interface Row {
  readonly a: number;
  readonly b: number;
  readonly y: number;
}

/** min Σ(y − σa − κb)² with σ, κ ≥ 0: the unconstrained solution, else the best one-coefficient one. */
function nonNegativeLeastSquares(rows: readonly Row[]): { sigma: number; kappa: number } {
  const sum = (f: (row: Row) => number) => rows.reduce((total, row) => total + f(row), 0);
  const [aa, bb, ab, ay, by] = [
    sum((r) => r.a * r.a),
    sum((r) => r.b * r.b),
    sum((r) => r.a * r.b),
    sum((r) => r.a * r.y),
    sum((r) => r.b * r.y),
  ];
  const det = aa * bb - ab * ab;
  if (det > 1e-12) {
    const sigma = (ay * bb - by * ab) / det;
    const kappa = (by * aa - ay * ab) / det;
    if (sigma >= 0 && kappa >= 0) return { sigma, kappa };
  }
  const residual = (sigma: number, kappa: number) => sum((r) => (r.y - sigma * r.a - kappa * r.b) ** 2);
  const candidates = [
    { sigma: Math.max(0, ay / aa), kappa: 0 },
    { sigma: 0, kappa: Math.max(0, by / bb) },
  ];
  return candidates.reduce((best, next) =>
    residual(next.sigma, next.kappa) < residual(best.sigma, best.kappa) ? next : best,
  );
}

function rSquared(byN: ReadonlyMap<number, number>, fit: Pick<UslFit, 'lambda' | 'sigma' | 'kappa'>): number {
  const xs = [...byN.values()];
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const total = xs.reduce((sum, x) => sum + (x - mean) ** 2, 0);
  const residual = [...byN].reduce((sum, [n, x]) => sum + (x - uslThroughput(fit, n)) ** 2, 0);
  return total === 0 ? (residual === 0 ? 1 : 0) : 1 - residual / total;
}
