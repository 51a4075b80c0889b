/**
 * The k6 harness end to end on a real system (its own databases and topics, auth on): with the
 * environment the runner builds for k6 (an admin token signed with the system's key), the smoke
 * scenario passes every check, and a tiny compare run yields per-step figures the report accepts.
 * Checks correctness only; speed is measured by `npm run perf`, never asserted in tests.
 */
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uniqueSuffix } from '@ecom/service-kit/testing';
import { runResultSchema } from '../report/result.schema';
import { writeReport } from '../report/write-report';
import { runK6 } from '../runner/k6';
import { startLocalSystem, type LocalSystem } from '../runner/local-system';
import { describeMachine, toStepResult } from '../runner/result-builder';
import { baseK6Env } from '../runner/run-context';

describe('the k6 harness against a running system', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'k6-harness-'));
  const suffix = uniqueSuffix();
  let system: LocalSystem;
  /** What `npm run perf` gives every k6 run: the gateway, the data set, the token. */
  let k6Env: Record<string, string>;

  beforeAll(async () => {
    system = await startLocalSystem({
      dir,
      say: () => undefined,
      build: false, // npm test builds before Jest runs
      ceilings: false,
      dropOnStop: true,
      names: {
        productDb: `product_db_test_k6${suffix}`,
        orderDb: `order_db_test_k6${suffix}`,
        topicPrefix: `test.k6.${suffix}`,
        workerGroup: `test-k6-${suffix}`,
      },
    });
    k6Env = await baseK6Env(system.gatewayUrl, 'default', system, {});
  }, 120_000);

  afterAll(() => system?.stop(), 60_000);

  test('when the smoke scenario runs through the gateway with auth on, then the token reaches k6 and every check passes', async () => {
    const outcome = await runK6(dir, 'smoke', { ...k6Env, SCENARIO: 'smoke' }, false);

    expect(system.signingKey).toBeDefined();
    expect(k6Env['API_TOKEN']).toEqual(expect.any(String));
    expect(outcome.checks?.fails).toBe(0);
    // 3 iterations of 13 checks, one of them an order without the token refused with 401.
    expect(outcome.checks?.passes).toBe(39);
    expect(outcome.exitCode).toBe(0);
  }, 60_000);

  test('when a compare run offers sync then async orders, then each step reports what was answered, and the report accepts it', async () => {
    const env = {
      ...k6Env,
      SCENARIO: 'compare',
      MODES: 'sync,async',
      RATES: '5',
      STEP_SECONDS: '3',
      GAP_SECONDS: '1',
      E2E_SAMPLE: '1',
      WARMUP_SECONDS: '1',
    };

    const outcome = await runK6(dir, 'compare', env, false);

    // 99: a step broke its SLO thresholds (speed is not asserted here); any other failure throws.
    expect([0, 99]).toContain(outcome.exitCode);
    expect(outcome.warmUp).toEqual({ modes: ['sync', 'async'], ratePerS: 10, seconds: 2 });
    const [sync, async] = outcome.steps;
    expect(sync).toMatchObject({ mode: 'sync', offeredRps: 5, errorRate: 0, statuses: { '201': sync!.requests } });
    expect(async).toMatchObject({ mode: 'async', offeredRps: 5, errorRate: 0, statuses: { '202': async!.requests } });
    expect(sync!.requests).toBeGreaterThanOrEqual(10);
    expect(async!.e2eMs?.count).toBeGreaterThanOrEqual(10); // every async order followed to its final status
    expect(outcome.setup?.productIds?.length).toBe(200);
    const steps = outcome.steps.map((step) => toStepResult(step, 0, []));
    const result = runResultSchema.parse({
      scenario: 'compare',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      baseUrl: system.gatewayUrl,
      machine: describeMachine('k6'),
      settings: env,
      steps,
      series: { lag: [], memory: [] },
      baselines: [],
      goals: [],
      notes: [],
      files: {},
    });
    writeReport(dir, result);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('sync @ 5/s');
    expect(existsSync(path.join(dir, 'plots'))).toBe(true);
  }, 90_000);
});
