/**
 * k6 on its own encodes the SLO: `k6 inspect` (offline, no system) shows the thresholds of a
 * plan; the runner reads k6's exit code (99: a threshold broke, figures valid) and its REST API
 * (progress). Needs the project's k6 (infrastructure/k6/k6.sh), as the harness test does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  K6RunError,
  classifyExit,
  currentStep,
  describeProgress,
  findK6,
  liveStepOf,
  type PlannedStep,
} from '../runner/k6';
import { ROOT } from '../runner/local-system';
import { runCommand } from '../runner/processes';

async function inspect(env: Record<string, string>) {
  const args = ['inspect', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`])];
  const text = await runCommand(await findK6(), [...args, `${ROOT}/performance-tests/k6/run.js`]);
  return JSON.parse(text) as {
    scenarios: Record<string, { startTime: string; rate: number }>;
    thresholds: Record<string, string[]>;
  };
}

describe("k6's thresholds", () => {
  test('when a compare plan is inspected, then each measured step carries the SLO of lib/slo.json and warm-ups carry none', async () => {
    const options = await inspect({ SCENARIO: 'compare', MODES: 'sync,async', RATES: '100', STEP_SECONDS: '20' });

    expect(Object.keys(options.scenarios).sort()).toEqual(['async_100', 'sync_100', 'warmup_async', 'warmup_sync']);
    expect(options.thresholds).toMatchObject({
      'order_duration{scenario:sync_100}': ['p(99)<=100'],
      'order_errors{scenario:sync_100}': ['rate<0.001'],
      'order_refused{scenario:sync_100}': ['rate<=0.9'],
      'dropped_iterations{scenario:sync_100}': ['count<=20'],
      'order_503_without_retry_after{scenario:async_100}': ['count==0'],
    });
    expect(Object.keys(options.thresholds).some((key) => key.includes('warmup_'))).toBe(false);
    expect(options.scenarios['sync_100']?.startTime).toBe('12s'); // 2 × 5 s of warm-up, then a 2 s gap
  }, 120_000);

  test('when a sustained capacity probe is inspected, then the end-to-end bound is a threshold too, and the environment overrides the file', async () => {
    const options = await inspect({
      SCENARIO: 'capacity',
      MODES: 'async',
      RATES: '50',
      STEP_SECONDS: '10',
      SLO_SUSTAINED: 'on',
      SLO_P99_MS: '150',
    });

    expect(Object.keys(options.scenarios)).toEqual(['async_50']); // capacity: no warm-up unless asked
    expect(options.thresholds).toMatchObject({
      'order_duration{scenario:async_50}': ['p(99)<=150'],
      'async_e2e{scenario:async_50}': ['p(99)<=1000'],
      'async_not_final{scenario:async_50}': ['count==0'],
    });
  }, 120_000);
});

describe("k6's exit code", () => {
  test('when k6 exits 0 or 99, then the figures are results; 99 says a threshold broke', () => {
    expect(classifyExit(0, 'compare')).toEqual({ thresholdsFailed: false });
    expect(classifyExit(99, 'compare')).toEqual({ thresholdsFailed: true });
  });

  test('when k6 exits with any other code, then the run failed', () => {
    expect(() => classifyExit(107, 'compare')).toThrow(K6RunError);
    expect(() => classifyExit(1, 'compare')).toThrow('k6 run compare failed with exit code 1');
  });
});

describe('the progress line', () => {
  const plan: PlannedStep[] = [
    { name: 'warmup_sync', mode: 'sync', rate: 10, startSeconds: 0, seconds: 5, warmUp: true },
    { name: 'sync_20', mode: 'sync', rate: 20, startSeconds: 7, seconds: 20, warmUp: false },
    { name: 'sync_40', mode: 'sync', rate: 40, startSeconds: 32, seconds: 20, warmUp: false },
  ];
  const metrics = (
    JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'k6-rest-metrics.json'), 'utf8')) as {
      data: { id: string; attributes?: { sample?: Record<string, number> } }[];
    }
  ).data;

  test("when k6's REST API is read during a step, then the step's answered orders (2xx and 409) and its latency are taken", () => {
    expect(liveStepOf(metrics, 'sync_40')).toEqual({ answered: 158, p95Ms: 61.7, maxMs: 188.2 });
    expect(liveStepOf(metrics, 'sync_4')).toEqual({ answered: 0 });
  });

  test('when a step runs, then the line names it, its offered and achieved rates, its latency and the time left', () => {
    const current = currentStep(plan, 37);

    expect(current?.name).toBe('sync_40');
    expect(describeProgress(plan, 37, current, liveStepOf(metrics, 'sync_40'), 31.6)).toBe(
      "step 2/2 sync_40: offered 40/s, achieved 32/s so far, p95 62 ms, max 188 ms (the step's p99 comes at its end); 0:15 left in this k6 run",
    );
  });

  test('when the warm-up runs or no step does, then the line says so', () => {
    expect(describeProgress(plan, 2, currentStep(plan, 2), undefined, undefined)).toBe(
      'warm-up sync @ 10/s (not measured); 0:50 left in this k6 run',
    );
    expect(describeProgress(plan, 29, currentStep(plan, 29), undefined, undefined)).toBe(
      'between steps; 0:23 left in this k6 run',
    );
  });
});
