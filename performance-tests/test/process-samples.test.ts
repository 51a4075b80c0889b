/**
 * The runner's readings of each service process: Prometheus text parsed (a recorded /metrics of
 * the worker), the worker's end-to-end histogram subtracted bucket by bucket and read at bucket
 * resolution, CPU per request across a restart, and shared by steps run side by side.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { K6Outcome, K6Step } from '../runner/k6';
import { figuresOfProcesses } from '../runner/result-builder';
import { concurrentSteps, stepResults, type RunContext } from '../runner/run-context';
import {
  bucketQuantileMs,
  gaugeOf,
  histogramDelta,
  histogramOf,
  type HistogramSnapshot,
  type ProcessReading,
} from '../runner/samplers';

const WORKER_METRICS = readFileSync(path.join(__dirname, 'fixtures', 'worker-metrics.txt'), 'utf8');
const BOUNDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, Infinity];
const snapshot = (cumulative: number[]): HistogramSnapshot => ({ bounds: BOUNDS, cumulative });

describe("the worker's /metrics", () => {
  test('when the text is parsed, then the event-loop lag and the end-to-end buckets are read', () => {
    expect(gaugeOf(WORKER_METRICS, 'nodejs_eventloop_lag_p99_seconds')).toBeCloseTo(0.012238847);
    const histogram = histogramOf(WORKER_METRICS, 'order_async_end_to_end_seconds');

    expect(histogram?.bounds).toEqual(BOUNDS);
    expect(histogram?.cumulative.slice(0, 7)).toEqual([0, 3, 40, 180, 290, 298, 300]);
    expect(histogram?.cumulative.at(-1)).toBe(300);
  });

  test('when a metric is absent, then nothing is read', () => {
    expect(gaugeOf(WORKER_METRICS, 'nodejs_eventloop_lag_p50_seconds')).toBeUndefined();
    expect(histogramOf(WORKER_METRICS, 'http_request_duration_seconds')).toBeUndefined();
  });
});

describe('the end-to-end histogram of a step', () => {
  const before = snapshot([0, 3, 40, 180, 290, 298, 300, 300, 300, 300, 300, 300, 300, 300]);
  const after = snapshot([0, 3, 50, 290, 480, 496, 500, 500, 500, 500, 500, 500, 500, 500]);

  test('when the counts after the step are subtracted from those before, then the percentiles are bucket bounds of the step alone', () => {
    const delta = histogramDelta(before, after);

    expect(delta.cumulative.at(-1)).toBe(200);
    expect(bucketQuantileMs(delta, 0.5)).toBe(100); // 110 of 200 in ≤ 100 ms
    expect(bucketQuantileMs(delta, 0.95)).toBe(250);
    expect(bucketQuantileMs(delta, 0.99)).toBe(500);
  });

  test('when the worker restarted during the step (counts fell), then the counts after it are the step', () => {
    const restarted = snapshot([0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);

    expect(histogramDelta(before, restarted)).toBe(restarted);
  });

  test('when orders took longer than the last finite bucket, then the percentile is null, and with no order it is undefined', () => {
    expect(bucketQuantileMs(snapshot([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]), 0.99)).toBeNull();
    expect(bucketQuantileMs(snapshot(new Array(14).fill(0)), 0.5)).toBeUndefined();
  });
});

describe('the process figures of a step', () => {
  const reading = (t: number, name: string, pid: number, cpuMs: number, loopLagP99Ms = 11): ProcessReading => ({
    t,
    name,
    pid,
    cpuMs,
    loopLagP99Ms,
  });

  test('when a process used CPU during the step, then its CPU ms per request counts only the step window', () => {
    const readings = [
      reading(9, 'gateway', 10, 1_000),
      reading(10, 'gateway', 10, 1_100),
      reading(15, 'gateway', 10, 1_600, 42),
      reading(20, 'gateway', 10, 2_100, 17),
      reading(25, 'gateway', 10, 9_000), // after the window
    ];

    const figures = figuresOfProcesses(readings, 10, 20, { requests: 500, mode: 'sync' });

    expect(figures.cpuMsPerRequest).toEqual({ gateway: 2 }); // (2100 - 1100) ms / 500
    expect(figures.eventLoopLagP99Ms).toEqual({ gateway: 42 });
    expect(figures.workerE2eMs).toBeUndefined();
  });

  test('when the worker restarted in the window, then the CPU across the restart is not counted as negative', () => {
    const readings = [
      reading(10, 'order-worker', 1, 5_000),
      reading(12, 'order-worker', 1, 5_300),
      reading(14, 'order-worker', 2, 200), // a new process: its own clock
      reading(16, 'order-worker', 2, 500),
    ];

    const figures = figuresOfProcesses(readings, 10, 16, { requests: 100, mode: 'async' });

    expect(figures.cpuMsPerRequest).toEqual({ 'order-worker': 6 }); // (300 + 300) ms / 100
  });

  test("when an async step's window holds worker histograms, then its worker end-to-end figure says its resolution", () => {
    const before = snapshot([0, 3, 40, 180, 290, 298, 300, 300, 300, 300, 300, 300, 300, 300]);
    const after = snapshot([0, 3, 50, 290, 480, 496, 500, 500, 500, 500, 500, 500, 500, 500]);
    const readings: ProcessReading[] = [
      { t: 10, name: 'order-worker', pid: 1, endToEnd: before },
      { t: 21, name: 'order-worker', pid: 1, endToEnd: after },
    ];

    const { workerE2eMs } = figuresOfProcesses(readings, 10, 22, { requests: 200, mode: 'async' });

    expect(workerE2eMs).toMatchObject({ p50: 100, p95: 250, p99: 500, count: 200 });
    expect(workerE2eMs?.resolution).toMatch(/^bucket upper bounds \(10, 25, 50, 100/);
  });
});

describe('the CPU per request of steps run at the same time', () => {
  const k6Step = (mode: string, startS: number, requests: number): K6Step => ({
    name: `${mode}_50`,
    mode,
    offeredRps: 50,
    startS,
    durationS: 10,
    requests,
    achievedRps: requests / 10,
    counts: { ok: requests, rejected: 0, unavailable: 0, noResponse: 0, failed: 0 },
    errorRate: 0,
    rejectedRate: 0,
    rate503: 0,
    droppedIterations: 0,
    notFinal: 0,
  });
  const gatewayUsing = (msPerSecond: number): ProcessReading[] =>
    Array.from({ length: 22 }, (_, t) => ({ t, name: 'gateway', pid: 7, cpuMs: t * msPerSecond }));
  const resultsOf = (steps: K6Step[]) =>
    stepResults(
      { startedAt: 0, processes: { readings: gatewayUsing(100) } } as unknown as RunContext,
      {
        steps,
      } as unknown as K6Outcome,
    );

  test("when a soak's two modes run side by side, then the window's CPU is divided by the requests of both", () => {
    const [sync, async] = resultsOf([k6Step('sync', 0, 300), k6Step('async', 0, 700)]);
    // 100 ms a second over the 10 s window (it ends where the steps end, plus 1 s): 1,100 ms over 1,000 requests.
    expect(sync?.cpuMsPerRequest).toEqual({ gateway: 1.1 });
    expect(async?.cpuMsPerRequest).toEqual({ gateway: 1.1 });
  });

  test('when steps run one after another, then each divides its own window by its own requests', () => {
    const [sync, async] = resultsOf([k6Step('sync', 0, 500), k6Step('async', 10, 1000)]);
    expect(sync?.cpuMsPerRequest).toEqual({ gateway: 2 });
    expect(async?.cpuMsPerRequest).toEqual({ gateway: 1.1 });
  });

  test('when a step only touches the next one, then it does not run beside it', () => {
    const steps = [k6Step('sync', 0, 1), k6Step('async', 9, 1), k6Step('async', 0.5, 1)];
    expect(concurrentSteps(steps, steps[0]!).map((step) => step.startS)).toEqual([0, 0.5]);
  });
});
