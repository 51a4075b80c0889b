/**
 * The scaling experiment's plan and its checks, in-process: only the scaled tier moves, the ladder
 * reaches N × X(1), the k6 task gets the stepped capacity plan, and an experiment that would
 * measure its set-up (idle workers, too few database connections, the rate limit) is refused.
 * Also: the figures the checks rely on agree with the templates and the services' configs.
 */
import { loadConfig as loadOrderConfig } from '@ecom/order-service/config';
import { loadConfig as loadProductConfig } from '@ecom/product-service/config';
import { TOPICS } from '@ecom/service-kit/kafka';
import { TEMPLATE_DEFAULTS } from '../scripts/lib/scaling-experiment';
import {
  LADDER_FRACTIONS,
  desiredCounts,
  k6Environment,
  ladderRates,
  pointsOf,
  type ExperimentSettings,
} from '../scripts/lib/scaling-plan';
import {
  DB_POOLS,
  ORDER_REQUESTS_PARTITIONS,
  connectionBudget,
  estimateMaxConnections,
  scalingProblems,
} from '../scripts/lib/scaling-prerequisites';
import { containerNamed } from './support/task-definitions';
import { templateOf } from './support/templates';

const settings = (overrides: Partial<ExperimentSettings> = {}): ExperimentSettings => ({
  tier: 'order-service',
  instanceCounts: [1, 2, 4, 8],
  repeats: 2,
  others: 8,
  singleCapacity: {},
  stepSeconds: 30,
  gapSeconds: 10,
  e2eSample: 0.1,
  ...overrides,
});
const unlimited = { instanceClass: 'db.t4g.medium', gatewayRateLimited: false };

describe('the scaling experiment plan', () => {
  it.each([
    ['order-service', { gateway: 8, 'product-service': 8, 'order-service': 4, 'order-worker': 6 }],
    ['product-service', { gateway: 8, 'product-service': 4, 'order-service': 8, 'order-worker': 6 }],
    ['order-worker', { gateway: 8, 'product-service': 8, 'order-service': 8, 'order-worker': 4 }],
  ] as const)('when %s is scaled to 4, then only it moves and the others stay over-provisioned', (tier, expected) => {
    expect(desiredCounts(settings({ tier }), 4, ORDER_REQUESTS_PARTITIONS)).toEqual(expected);
    expect(desiredCounts(settings({ tier }), 1, ORDER_REQUESTS_PARTITIONS)[tier]).toBe(1);
  });

  it('when the ladder is built for N instances, then it rises from a quarter of N × X(1) through N × X(1)', () => {
    expect(ladderRates(200, 1)).toEqual([50, 100, 150, 180, 200, 220, 250]);
    const eight = ladderRates(200, 8);
    expect(eight).toContain(8 * 200);
    expect(eight[0]).toBe(400);
    expect(eight.at(-1)).toBe(Math.round(LADDER_FRACTIONS.at(-1)! * 8 * 200));
  });

  it('when a point runs, then its k6 task gets the capacity scenario, one mode and the ladder as overrides', () => {
    const rates = ladderRates(160, 2);
    expect(k6Environment('sustained', rates, settings(), 'http://alb')).toEqual({
      SCENARIO: 'capacity',
      BASE_URL: 'http://alb',
      MODES: 'async',
      RATES: '80,160,240,288,320,352,400',
      STEP_SECONDS: '30',
      GAP_SECONDS: '10',
      E2E_SAMPLE: '0.1',
      SUMMARY_PATH: '/results/k6-steps.json',
    });
    expect(k6Environment('async', rates, settings(), 'http://alb')['E2E_SAMPLE']).toBe('0');
  });

  it('when the order service is measured twice per count, then every count has both modes, each repeated', () => {
    const points = pointsOf(settings({ instanceCounts: [1, 2] }));
    expect(points.map(({ n, mode, repeat }) => `${n}-${mode}-r${repeat}`)).toEqual([
      '1-sync-r1',
      '1-sync-r2',
      '1-async-r1',
      '1-async-r2',
      '2-sync-r1',
      '2-sync-r2',
      '2-async-r1',
      '2-async-r2',
    ]);
  });
});

describe('the checks before a scaling experiment starts anything', () => {
  it('when the worker would outnumber the partitions of order-requests, then the plan is refused', () => {
    const problems = scalingProblems(settings({ tier: 'order-worker' }), unlimited);
    expect(problems).toEqual([
      expect.stringMatching(/order-requests has 6 partitions .* 8 workers would leave 2 idle/),
    ]);
    expect(scalingProblems(settings({ tier: 'order-worker', instanceCounts: [1, 2, 4, 6] }), unlimited)).toEqual([]);
  });

  it('when the pools at the largest count exceed max_connections, then the plan is refused with the sum', () => {
    // db.t4g.medium: 0.8 × 4 GiB / 12582880 B = 273 connections, 268 usable.
    expect(estimateMaxConnections('db.t4g.medium')).toBe(273);
    expect(connectionBudget(settings()).total).toBe(8 * 10 + 8 * 10 + 6 * 10);
    expect(scalingProblems(settings(), unlimited)).toEqual([]);
    const problems = scalingProblems(settings({ instanceCounts: [1, 2, 4, 8, 16], others: 16 }), unlimited);
    expect(problems).toEqual([
      expect.stringContaining(
        'product-service 16 × 10 + order-service 16 × 10 + order-worker 6 × 10 = 380 connections, above the 268',
      ),
    ]);
  });

  it('when max_connections is given or the class is unknown, then the given figure is used or the tool asks for it', () => {
    expect(scalingProblems(settings(), { ...unlimited, maxConnections: 200 })).toEqual([
      expect.stringContaining('220 connections, above the 200 it allows (as given by --db-max-connections)'),
    ]);
    expect(scalingProblems(settings(), { ...unlimited, instanceClass: 'db.x2g.large' })).toEqual([
      expect.stringContaining('pass --db-max-connections'),
    ]);
    expect(estimateMaxConnections('db.r6g.xlarge')).toBe(Math.floor((32 * 2 ** 30 * 0.8) / 12582880));
  });

  it("when the gateway's rate limit is on, then the plan is refused", () => {
    expect(scalingProblems(settings(), { ...unlimited, gatewayRateLimited: true })).toEqual([
      expect.stringContaining('GatewayRateLimitEnabled=false'),
    ]);
  });
});

describe('the figures the checks rely on', () => {
  it('when the checks count partitions and pools, then they are the topics’ and the task definitions’', () => {
    expect(ORDER_REQUESTS_PARTITIONS).toBe(TOPICS.orderRequests.partitions);
    const product = loadProductConfig(containerNamed('services', 'product-service').environment);
    const order = loadOrderConfig(containerNamed('services', 'order-service').environment);
    const worker = loadOrderConfig(containerNamed('services', 'order-worker').environment);
    expect(DB_POOLS).toEqual({
      gateway: 0,
      'product-service': product.database.poolMax,
      'order-service': order.database.poolMax,
      'order-worker': worker.database.poolMax,
    });
  });

  it('when a stack does not report a parameter, then the default the tool assumes is the template’s', () => {
    const defaultOf = (key: 'data' | 'services' | 'loadtest', name: string) =>
      String(templateOf(key).Parameters?.[name]?.Default);
    expect(TEMPLATE_DEFAULTS).toEqual({
      DbInstanceClass: defaultOf('data', 'DbInstanceClass'),
      TaskCpu: defaultOf('services', 'TaskCpu'),
      TaskMemory: defaultOf('services', 'TaskMemory'),
      LoadTestCpu: defaultOf('loadtest', 'LoadTestCpu'),
      LoadTestMemory: defaultOf('loadtest', 'LoadTestMemory'),
      K6Image: defaultOf('loadtest', 'K6Image'),
    });
  });
});
