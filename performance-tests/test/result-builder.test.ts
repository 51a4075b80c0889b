import type { K6Step } from '../runner/k6';
import { DEFAULT_SLO, describeCommand, describeSlo, heldSlo, type Slo } from '../runner/result-builder';

const SUSTAINED: Slo = { ...DEFAULT_SLO, e2eP99Ms: 1000, maxDrainS: 5 };

const step = (overrides: Partial<K6Step> = {}): K6Step => ({
  name: 'async_200',
  mode: 'async',
  offeredRps: 200,
  startS: 0,
  durationS: 10,
  requests: 2000,
  achievedRps: 200,
  latencyMs: { avg: 5, p50: 4, p95: 20, p99: 40, max: 90, count: 2000 },
  counts: { ok: 2000, rejected: 0, unavailable: 0, noResponse: 0, failed: 0 },
  errorRate: 0,
  rejectedRate: 0,
  rate503: 0,
  droppedIterations: 0,
  e2eMs: { avg: 300, p50: 250, p95: 700, p99: 900, max: 1100, count: 200 },
  notFinal: 0,
  ...overrides,
});

describe('the sustained async SLO', () => {
  test('when acceptance, end-to-end latency and the drain are all within bounds, then the step held', () => {
    expect(heldSlo(step(), SUSTAINED, 4.2)).toBe(true);
    expect(describeSlo(SUSTAINED)).toBe(
      'p99 ≤ 100 ms, errors < 0.1%, dropped ≤ 1%, end-to-end p99 ≤ 1000 ms, lag back to 0 within 5 s',
    );
  });

  test.each([
    ['the lag took longer than 5 s to reach 0', step(), 5.1],
    ['the lag never reached 0', step(), undefined],
    ['end-to-end p99 was over 1 s', step({ e2eMs: { avg: 1, p50: 1, p95: 1, p99: 1001, max: 1, count: 9 } }), 1],
    ['a followed order never became final', step({ notFinal: 1 }), 1],
    ['no order was followed', step({ e2eMs: undefined }), 1],
    [
      'acceptance p99 was over 100 ms',
      step({ latencyMs: { avg: 5, p50: 4, p95: 20, p99: 101, max: 200, count: 9 } }),
      1,
    ],
  ])('when %s, then the step did not hold', (_why, k6Step, drainS) => {
    expect(heldSlo(k6Step, SUSTAINED, drainS)).toBe(false);
  });

  test('when the SLO asks nothing of the end-to-end latency or the drain, then neither is looked at', () => {
    expect(heldSlo(step({ e2eMs: undefined, notFinal: 3 }), DEFAULT_SLO)).toBe(true);
  });
});

describe('the command of a run', () => {
  test('when settings come from the environment, then the command names them before npm, sorted and quoted', () => {
    const command = describeCommand(['capacity', '--dataset', 'default'], {
      CAPACITY_PROBE_SECONDS: '5',
      SLO_P99_MS: '100',
      CAPACITY_MODES: 'sync,async',
      PATH: '/usr/bin',
      MODES: '',
      BASE_URL: "http://x/it's",
    });

    expect(command).toBe(
      "BASE_URL='http://x/it'\\''s' CAPACITY_MODES=sync,async CAPACITY_PROBE_SECONDS=5 SLO_P99_MS=100 npm run perf -- capacity --dataset default",
    );
  });
});
