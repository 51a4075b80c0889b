/**
 * Verdicts that can fail: a step of refusals has not held, dropped iterations are failures of a
 * burst, a drain shorter than the lag sampler's period says so, a capacity probe that missed by
 * far is believed at once, and the SLO comes from the one file k6 reads too.
 */
import path from 'node:path';
import type { StepResult } from '../report/result.schema';
import { missedClearly } from '../runner/capacity-search';
import type { K6Step } from '../runner/k6';
import { describeBurst } from '../runner/load.scenarios';
import { DEFAULT_SLO, SLO_FILE, readSlo, sloMisses } from '../runner/result-builder';
import { describeDrain, drainOf } from '../runner/samplers';

const step = (overrides: Partial<K6Step> = {}): K6Step => ({
  name: 'sync_100',
  mode: 'sync',
  offeredRps: 100,
  startS: 0,
  durationS: 10,
  requests: 1000,
  achievedRps: 100,
  latencyMs: { avg: 5, p50: 4, p95: 20, p99: 40, max: 90, count: 1000 },
  counts: { ok: 1000, rejected: 0, unavailable: 0, noResponse: 0, failed: 0 },
  errorRate: 0,
  rejectedRate: 0,
  rate503: 0,
  droppedIterations: 0,
  notFinal: 0,
  ...overrides,
});

describe('the verdict of a step', () => {
  test('when every request was refused with 409, then the step has not held: it measured refusals', () => {
    const refused = step({
      rejectedRate: 1,
      counts: { ok: 0, rejected: 1000, unavailable: 0, noResponse: 0, failed: 0 },
    });

    expect(sloMisses(refused, DEFAULT_SLO)).toEqual(['100% refused (409): it measured refusals, not orders']);
  });

  test('when some orders were refused as the contention data set expects, then the step may still hold', () => {
    expect(sloMisses(step({ rejectedRate: 0.3 }), DEFAULT_SLO)).toEqual([]);
  });

  test('when latency, errors and dropped iterations are over their bounds, then each is a reason', () => {
    const misses = sloMisses(
      step({
        latencyMs: { avg: 50, p50: 40, p95: 150, p99: 250, max: 900, count: 1000 },
        errorRate: 0.02,
        droppedIterations: 40,
      }),
      DEFAULT_SLO,
    );

    expect(misses).toEqual(['p99 250 ms > 100 ms', 'errors 2% ≥ 0.1%', '40 dropped iterations > 1% of 1000 offered']);
  });

  test("when the worker's own histogram puts the p99 above the end-to-end bound, then a sustained step has not held", () => {
    const sustained = { ...DEFAULT_SLO, e2eP99Ms: 1000, maxDrainS: 5 };
    const async = step({ mode: 'async', e2eMs: { avg: 100, p50: 90, p95: 300, p99: 400, max: 500, count: 20 } });
    const worker = { p50: 250, p95: 1000, p99: 2500, count: 1000, resolution: 'bucket upper bounds' };

    expect(sloMisses(async, sustained, 0.5, worker)).toEqual([
      'worker end-to-end p99 ≤ 2500 ms (bucket bound) > 1000 ms',
    ]);
  });
});

describe('the verdict of a burst', () => {
  const spike: StepResult = {
    mode: 'sync',
    label: 'sync @ 400/s',
    offeredRps: 400,
    startS: 30,
    durationS: 30,
    achievedRps: 150,
    requests: 6000,
    latencyMs: { avg: 300, p50: 200, p95: 900, p99: 1500, max: 3000 },
    statuses: { '201': 4500, '503': 1500 },
    errorRate: 0.25,
    rate503: 0.25,
    droppedIterations: 6000,
    sloMet: false,
    sloMisses: ['p99 1500 ms > 100 ms'],
  };

  test('when k6 could not start some iterations, then they count as failed orders beside the errors', () => {
    expect(describeBurst(spike)).toContain('7500 of 12000 offered orders failed (62.5%: 1500 errors');
    expect(describeBurst(spike)).toContain('6000 dropped iterations');
    expect(describeBurst(spike)).toContain('did not hold the SLO (p99 1500 ms > 100 ms)');
  });
});

describe('the drain after a step', () => {
  const lag = (points: [number, number][]) => points.map(([t, value]) => ({ t, value, series: 'order-requests lag' }));

  test("when the lag was already 0 at the first sample after the step, then the drain is below the sampler's resolution", () => {
    const drain = drainOf(
      lag([
        [9.6, 40],
        [10.3, 0],
        [11.3, 0],
      ]),
      10,
    );

    expect(drain).toEqual({ seconds: 0.3, belowResolution: true });
    expect(describeDrain(drain!.seconds, drain!.belowResolution)).toBe("< 1 s, the sampler's resolution");
  });

  test('when the lag took samples to reach 0, then the drain is a figure in seconds', () => {
    const drain = drainOf(
      lag([
        [10.3, 300],
        [11.3, 120],
        [12.3, 0],
      ]),
      10,
    );

    expect(drain).toEqual({ seconds: 2.3, belowResolution: false });
    expect(describeDrain(drain!.seconds, drain!.belowResolution)).toBe('2.3 s');
  });
});

describe('a capacity probe that missed', () => {
  test('when it missed by a little, then it is probed again; when it missed by far, then the miss counts at once', () => {
    const marginal = step({ latencyMs: { avg: 20, p50: 10, p95: 80, p99: 130, max: 300, count: 1000 } });
    const clear = step({ latencyMs: { avg: 200, p50: 100, p95: 800, p99: 1300, max: 3000, count: 1000 } });

    expect(missedClearly(marginal, DEFAULT_SLO)).toBe(false);
    expect(missedClearly(clear, DEFAULT_SLO)).toBe(true);
    expect(missedClearly(step({ errorRate: 0.2 }), DEFAULT_SLO)).toBe(true);
    expect(missedClearly(undefined, DEFAULT_SLO)).toBe(true);
  });
});

describe('the SLO', () => {
  test('when nothing overrides it, then it is the one in k6/lib/slo.json, which k6 reads too', () => {
    const { base, sustained } = readSlo(SLO_FILE, {});

    expect(path.relative(path.join(__dirname, '..'), SLO_FILE)).toBe(path.join('k6', 'lib', 'slo.json'));
    expect(base).toEqual({ p99Ms: 100, maxErrorRate: 0.001, maxDroppedShare: 0.01, maxRejectedShare: 0.9 });
    expect(sustained).toMatchObject({ e2eP99Ms: 1000, maxDrainS: 5 });
  });

  test('when an environment variable names a figure, then it overrides the file; a non-number is refused', () => {
    expect(readSlo(SLO_FILE, { SLO_P99_MS: '250' }).base.p99Ms).toBe(250);
    expect(() => readSlo(SLO_FILE, { SLO_MAX_ERROR_RATE: 'lots' })).toThrow('SLO_MAX_ERROR_RATE must be a number');
  });
});
