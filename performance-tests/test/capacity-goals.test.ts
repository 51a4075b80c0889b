import { computeCapacityGoals, describeShedding } from '../runner/capacity-goals';
import type { K6Step } from '../runner/k6';
import { FIGURES, burstRound } from './support/capacity-fixture';

const verdicts = (goals: ReturnType<typeof computeCapacityGoals>) =>
  goals.map((goal) => [goal.figure?.value, goal.met]);

describe('the goals of a capacity run', () => {
  test('when every figure was measured, then the seven goals hold their value, bound, inputs and verdict', () => {
    const goals = computeCapacityGoals(FIGURES);

    expect(goals.map((goal) => goal.target)).toEqual([
      '≥ 0.6×',
      '≥ 0.3×',
      '≥ 95%',
      '≥ 0.8×',
      '≥ 3×',
      '≤ 50 µs',
      '≥ 0.65×',
    ]);
    expect(verdicts(goals)).toEqual([
      [0.412, false],
      [0.12, false],
      [96.7, true],
      [0.284, false],
      [3.191, true],
      [158, false],
      [0.57, false],
    ]);
    expect(goals[0]).toMatchObject({
      name: 'sync capacity (p99 ≤ 100 ms) ÷ database ceiling (same order mix)',
      measured: '0.412× (94 orders/s ÷ 228 orders/s)',
      figure: {
        unit: '×',
        bound: { op: '≥', value: 0.6 },
        inputs: [
          { name: 'sync capacity', value: 94, unit: 'orders/s' },
          { name: 'database ceiling', value: 228, unit: 'orders/s' },
        ],
      },
    });
    expect(goals[2]).toMatchObject({
      name: 'sync burst: 75 concurrent orders with ample stock, share answered 201 within 1 s',
      measured: '96.7% (145 of 150 orders)',
    });
  });

  test('when an input was not measured, then its goals say so and give no verdict, and the others are still computed', () => {
    const goals = computeCapacityGoals({ ...FIGURES, commitLoop: undefined, gatewayOwnCpuUs: undefined });

    expect(goals[1]).toMatchObject({
      met: null,
      measured: 'not measured (no plain commit loop)',
      figure: { value: null },
    });
    expect(goals[5]).toMatchObject({ met: null, measured: 'not measured (no gateway_own_cpu_us_above_library)' });
    expect(goals[0]!.met).toBe(false);
  });

  test('when a figure lands exactly on its bound, then the goal is met', () => {
    const goals = computeCapacityGoals({
      ...FIGURES,
      syncCapacity: 60,
      databaseCeiling: 100,
      gatewayOwnCpuUs: 50,
      syncBursts: [burstRound(100, 95, { '201': 100 })],
    });

    expect([goals[0]!.met, goals[2]!.met, goals[5]!.met]).toEqual([true, true, true]);
  });

  test('when nothing was measured, then no goal has a verdict', () => {
    const goals = computeCapacityGoals({});

    expect(goals).toHaveLength(7);
    expect(goals.every((goal) => goal.met === null)).toBe(true);
  });

  test('when a ratio would divide by zero, then it is not measured, naming the input that was 0', () => {
    const goals = computeCapacityGoals({ ...FIGURES, syncCapacity: 0, syncBursts: [burstRound(0, 0, {})] });

    expect(goals[0]).toMatchObject({ met: false, measured: '0× (0 orders/s ÷ 228 orders/s)' });
    expect(goals[2]).toMatchObject({ met: null, measured: 'not measured (sent was 0 orders)' });
    expect(goals[4]).toMatchObject({ met: null, measured: 'not measured (sync capacity was 0 orders/s)' });
  });
});

describe('the sync shedding note', () => {
  const step = (offeredRps: number, counts: Partial<K6Step['counts']>): K6Step =>
    ({
      offeredRps,
      counts: {
        ok: 0,
        rejected: 0,
        unavailable: 0,
        noResponse: 0,
        failed: 0,
        unavailableWithoutRetryAfter: 0,
        ...counts,
      },
    }) as K6Step;

  test('when the probes over capacity were only slower, then shedding is reported as not exercised', () => {
    expect(describeShedding([step(100, {})])).toBe(
      'sync shedding above capacity (100/s): 0 × 503 (0 without Retry-After), 0 without a response, 0 other errors: not exercised (the probes over capacity were only slower)',
    );
  });

  test('when sync answered 503 with Retry-After and timed out once, then the note says it did not shed cleanly', () => {
    expect(describeShedding([step(100, { unavailable: 40 }), step(150, { noResponse: 1 })])).toMatch(
      /\(100\/s, 150\/s\): 40 × 503 .* 1 without a response, 0 other errors: not only 503 with Retry-After$/,
    );
  });
});
