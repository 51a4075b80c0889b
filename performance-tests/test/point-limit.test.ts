/** What held a scaling point back: the tier's quota, the machine, or neither; and what the fit does with it. */
import {
  describeLimit,
  judgeLimit,
  limitRecord,
  machineTicks,
  readingBetween,
  snapshotsWithin,
  type Snapshot,
} from '../scaling/point-limit';
import { scalingCurve } from '../scaling/scaling-curve';
import { tabulatePoints } from '../scaling/scaling-tables';
import { uslThroughput } from '../scaling/usl';
import { scalingSeriesFixture } from './support/scaling-fixture';

describe('the limit of a scaling point', () => {
  it('when the replicas used most of their quota, then the tier was the limit, however busy the machine was', () => {
    expect(judgeLimit({ tierQuotaUse: 0.93, throttledShare: 0.7, machineCores: 1.95 }, 2)).toBe('tier');
  });

  it('when the replicas waited for their quota in most periods, then the tier was the limit, even if their average use was lower', () => {
    expect(judgeLimit({ tierQuotaUse: 0.77, throttledShare: 0.77, machineCores: 0.8 }, 2)).toBe('tier');
  });

  it('when the replicas had quota to spare and the machine was full, then the machine was the limit, even if they were often throttled', () => {
    expect(judgeLimit({ tierQuotaUse: 0.55, throttledShare: 0.1, machineCores: 1.9 }, 2)).toBe('machine');
    expect(judgeLimit({ tierQuotaUse: 0.75, throttledShare: 0.65, machineCores: 1.95 }, 2)).toBe('machine');
  });

  it('when neither the quota nor the machine ran out, then neither was (the mode waited on something else)', () => {
    expect(judgeLimit({ tierQuotaUse: 0.4, throttledShare: 0, machineCores: 1.1 }, 2)).toBe('neither');
  });

  it('when a record is described, then it names the verdict, the rate, the quota used and the machine', () => {
    const record = limitRecord({ tierQuotaUse: 0.97, throttledShare: 0.64, machineCores: 1.413 }, 80, 2);
    expect(describeLimit(record)).toBe('tier at 80/s: quota 97%, throttled 64%; machine 1.41 of 2 cores');
    expect(describeLimit(null)).toBe('nothing missed');
  });

  it("when /proc/stat's first line is read, then busy counts user, nice, system, irq, softirq and steal, not idle or iowait", () => {
    expect(machineTicks('cpu  100 5 50 9000 300 7 8 9 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n')).toEqual({ busy: 179 });
  });
});

describe("the reading of a probe's window", () => {
  // Two replicas under 0.1 core each (0.2 in all), snapshots every 500 ms; k6 starting up until 1 s.
  const snapshot = (atMs: number, tierTicks: number, machineBusy: number, throttled: number): Snapshot => ({
    atMs,
    tierTicks,
    machineBusy,
    throttling: { periods: atMs / 10, throttled },
  });
  const snapshots = [
    snapshot(0, 0, 0, 0),
    snapshot(500, 1, 100, 0), // k6 starting: the machine busy, the tier idle
    snapshot(1_000, 2, 150, 0),
    snapshot(1_500, 12, 230, 45),
    snapshot(2_000, 22, 310, 90),
    snapshot(2_500, 32, 390, 135),
    snapshot(3_000, 33, 400, 135), // the drain after the step
  ];

  it('when the step ran from 1 s to 2.5 s, then only the snapshots inside it are read, without the start-up or the drain', () => {
    const [from, to] = snapshotsWithin(snapshots, { fromMs: 1_000, toMs: 2_500 });
    expect([from.atMs, to.atMs]).toEqual([1_000, 2_500]);
    // 30 ticks in 1.5 s = 0.2 core = the whole quota; 135 of 150 periods throttled; 240 ticks = 1.6 cores.
    expect(readingBetween(from, to, 0.2)).toEqual({ tierQuotaUse: 1, throttledShare: 0.9, machineCores: 1.6 });
  });

  it('when the span is shorter than two snapshots apart, then the whole window is read', () => {
    const [from, to] = snapshotsWithin(snapshots, { fromMs: 1_200, toMs: 1_600 });
    expect([from.atMs, to.atMs]).toEqual([0, 3_000]);
  });
});

describe('a series with a point limited by the machine', () => {
  const law = { lambda: 300, sigma: 0.05, kappa: 0.002 };
  const limit = (verdict: 'tier' | 'machine') =>
    limitRecord(
      verdict === 'tier'
        ? { tierQuotaUse: 0.95, throttledShare: 0.8, machineCores: 1.9 }
        : { tierQuotaUse: 0.5, throttledShare: 0.1, machineCores: 1.9 },
      100,
      2,
    );
  const series = {
    ...scalingSeriesFixture(),
    points: [1, 2, 3, 6].map((n) => ({
      n,
      // The machine cut N = 6 to well below the law's figure.
      runs: [n === 6 ? 700 : Math.round(uslThroughput(law, n))],
      cpu_ms_per_order: null,
      detail: '',
      limit: limit(n === 6 ? 'machine' : 'tier'),
    })),
  };

  it('when the curve is drawn, then that point is shown but the fit and its measured range leave it out', () => {
    const curve = scalingCurve(series);
    expect(curve.points.map((point) => point.x)).toContain(700);
    expect(curve.fit?.sigma).toBeCloseTo(law.sigma, 1);
    expect(curve.fit?.r2).toBeGreaterThan(0.99);
    expect(curve.projection.filter((point) => point.measured).map((point) => point.n)).toEqual([1, 2, 3]);
    expect(tabulatePoints(curve).rows.at(-1)?.join(' ')).toMatch(/machine at 100\/s: quota 50%.*\(not fitted\)/);
  });

  it('when too few points are left to fit, then the curve says the machine limited the others', () => {
    const curve = scalingCurve({
      ...series,
      points: series.points.map((point) => (point.n > 1 ? { ...point, limit: limit('machine') } : point)),
    });
    expect(curve.fit).toBeUndefined();
    expect(curve.fitError).toMatch(/N = 2, 3, 6 limited by the machine, not fitted/);
  });
});
