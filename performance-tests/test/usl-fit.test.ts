/** The USL fit: recovers the coefficients that made the points, refuses what cannot be fitted. */
import { scalingCurve } from '../scaling/scaling-curve';
import { tabulateFits } from '../scaling/scaling-tables';
import { fitUsl, uslThroughput, UslFitError } from '../scaling/usl';
import { scalingSeriesFixture } from './support/scaling-fixture';

const law = { lambda: 300, sigma: 0.08, kappa: 0.004 };
const pointsOf = (counts: readonly number[], made = law) => counts.map((n) => ({ n, x: uslThroughput(made, n) }));

describe('fitUsl', () => {
  it('when the points follow the law exactly, then the fit finds its σ and κ and R² is 1', () => {
    const fit = fitUsl(pointsOf([1, 2, 3, 6]));
    expect(fit.lambda).toBe(300);
    expect(fit.sigma).toBeCloseTo(0.08, 6);
    expect(fit.kappa).toBeCloseTo(0.004, 6);
    expect(fit.r2).toBeCloseTo(1, 9);
    expect(fit.peakN).toBeCloseTo(Math.sqrt(0.92 / 0.004), 6);
  });

  it('when throughput grows linearly, then σ and κ are 0 and there is no peak', () => {
    const fit = fitUsl([1, 2, 4].map((n) => ({ n, x: 100 * n })));
    expect(fit.sigma).toBeCloseTo(0, 9);
    expect(fit.kappa).toBeCloseTo(0, 9);
    expect(fit.peakN).toBeUndefined();
  });

  it('when the points scale better than linear, then no coefficient goes negative', () => {
    const fit = fitUsl([
      { n: 1, x: 100 },
      { n: 2, x: 230 },
      { n: 3, x: 330 },
    ]);
    expect(fit.sigma).toBeGreaterThanOrEqual(0);
    expect(fit.kappa).toBeGreaterThanOrEqual(0);
  });

  it('when throughput is flat whatever N is, then σ is near 1 (everything serialised)', () => {
    const fit = fitUsl([1, 2, 3].map((n) => ({ n, x: 120 })));
    expect(fit.sigma + fit.kappa * 3).toBeGreaterThan(0.9);
    expect(uslThroughput(fit, 16)).toBeLessThan(130);
  });

  it('when repeats are given, then they are averaged per N', () => {
    const fit = fitUsl([{ n: 1, x: 90 }, { n: 1, x: 110 }, ...pointsOf([2, 3], { ...law, lambda: 100 })]);
    expect(fit.lambda).toBe(100);
  });

  it('when there is no point at N = 1 or too few counts above it, then it refuses with the reason', () => {
    expect(() => fitUsl(pointsOf([2, 3, 4]))).toThrow(UslFitError);
    expect(() => fitUsl(pointsOf([1, 2]))).toThrow(/two counts above 1/);
    expect(() => fitUsl([{ n: 1, x: 0 }, ...pointsOf([2, 3])])).toThrow(/above 0 at N = 1/);
    expect(() => fitUsl([...pointsOf([1, 2]), { n: 3, x: 0 }])).toThrow(/0 above N = 1/);
    expect(() => fitUsl([...pointsOf([1, 2]), { n: 2.5, x: 10 }])).toThrow(/whole number/);
  });
});

describe('scalingCurve', () => {
  it('when a series has repeats, then X(N) is their median, efficiency is X(N) / (N · X(1)) and the projection reaches 16', () => {
    const curve = scalingCurve(scalingSeriesFixture());
    expect(curve.points.map((point) => point.x)).toEqual([300, 520, 690, 900]);
    expect(curve.points[1]?.efficiency).toBeCloseTo(520 / 600, 9);
    expect(curve.points[1]).toMatchObject({ low: 500, high: 540, repeats: 3 });
    expect(curve.projection).toHaveLength(16);
    expect(curve.projection.filter((point) => point.measured).map((point) => point.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(curve.fit?.r2).toBeGreaterThan(0.95);
  });

  it('when throughput falls from the first replica on, then the fit table says the peak is below one replica', () => {
    const falling = {
      ...scalingSeriesFixture(),
      points: [
        [1, 48],
        [2, 37],
        [3, 33],
      ].map(([n, x]) => ({ n: n!, runs: [x!], cpu_ms_per_order: null, detail: '' })),
    };
    const row = tabulateFits([scalingCurve(falling)]).rows[0]!;
    expect(row[5]).toBe('< 1 (falls from N = 1)');
  });

  it('when the points cannot be fitted, then the curve says why and projects nothing', () => {
    const curve = scalingCurve({ ...scalingSeriesFixture(), points: scalingSeriesFixture().points.slice(0, 2) });
    expect(curve.fit).toBeUndefined();
    expect(curve.fitError).toMatch(/two counts above 1/);
    expect(curve.projection).toEqual([]);
  });
});
