/**
 * `npm run aws -- loadtest`, run as a user would against the fake AWS CLI: a single run at the
 * counts as deployed; the scaling experiment end to end (counts set per point, the single-instance
 * probe, the ladders given to k6, repeats, recorded k6 summaries copied from "S3" into point
 * folders, the assembly into summary.json); and every refusal before anything is started.
 */
import { generateRsaKeyPair } from '@ecom/auth';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { STACKS, stackName } from '../scripts/lib/stacks';
import { ENVIRONMENT, callsOf, optionOf, runTool, useWorkspaces, type Workspace } from './support/deploy-tool';

const FIXTURES = path.join(__dirname, 'fixtures/ecs-runs');
const withoutScaling = STACKS.filter((stack) => stack.key !== 'scaling').map((stack) =>
  stackName(ENVIRONMENT, stack.key),
);
const CONTAINERS = ['fetch-scripts', 'k6', 'upload-results'];
/** The environment's token keys (the signing key is made in beforeAll; the k6 task's token: deploy-tool-token.test.ts). */
const SECRETS: Record<string, { ARN: string; SecretString: string }> = {};
/** A deployment ready for load tests: no autoscaling, the gateway's rate limit off. */
const READY = {
  deployed: withoutScaling,
  containers: CONTAINERS,
  parameters: { [stackName(ENVIRONMENT, 'services')]: { GatewayRateLimitEnabled: 'false' } },
  secrets: SECRETS,
};

const k6EnvironmentOf = (call: readonly string[]) => {
  const overrides = JSON.parse(optionOf(call, '--overrides') ?? '{}') as {
    containerOverrides: { name: string; environment: { name: string; value: string }[] }[];
  };
  const k6 = overrides.containerOverrides.find((container) => container.name === 'k6')?.environment ?? [];
  return Object.fromEntries(k6.filter(({ name }) => name !== 'API_TOKEN').map(({ name, value }) => [name, value]));
};
const countsOf = (calls: string[][]) =>
  calls
    .filter((call) => call[2] === 'update-service')
    .map((call) => `${optionOf(call, '--service')}=${optionOf(call, '--desired-count')}`);
const runsOf = (calls: string[][]) => calls.filter((call) => call[2] === 'run-task');

describe('the aws tool: loadtest', () => {
  const workspace = useWorkspaces();
  beforeAll(async () => {
    const { privateKeyPem } = await generateRsaKeyPair();
    SECRETS['ecom/auth/signing-key'] = { ARN: 'arn:signing', SecretString: privateKeyPem };
  });
  const resultsOf = (fake: Workspace) => path.join(fake.dir, 'results');

  it('when no tier is given, then one run of the scenario goes at the counts as deployed, nothing scaled', async () => {
    const fake = workspace(['aws'], READY);
    const result = await runTool(fake, ['loadtest', '--scenario', 'smoke', '--results-dir', resultsOf(fake)]);
    expect(result.code).toBe(0);
    const calls = callsOf(fake);
    expect(countsOf(calls)).toEqual([]);
    expect(runsOf(calls).map(k6EnvironmentOf)).toEqual([
      { SCENARIO: 'smoke', BASE_URL: 'http://ecom-alb-1234.eu-west-1.elb.amazonaws.com' },
    ]);
    const copies = calls.filter((call) => call[2] === 'cp' && call[5]?.startsWith('s3://'));
    expect(copies.map((call) => call[6])).toEqual([expect.stringMatching(/results\/smoke-as-deployed-\d{14}$/)]);
  }, 60_000);

  it('when --instances comes without --tier, then it stops with the usage (every tier at once is gone)', async () => {
    const result = await runTool(workspace(['aws'], READY), ['loadtest', '--instances', '1,2']);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/--instances scales one tier at a time: add --tier order-worker\|order-service/);
  });

  it('when an experiment is asked for while autoscaling is deployed, then it refuses and says how to remove it', async () => {
    const fake = workspace(['aws'], { ...READY, deployed: STACKS.map((stack) => stackName(ENVIRONMENT, stack.key)) });
    const result = await runTool(fake, ['loadtest', '--tier', 'order-service', '--instances', '1,2']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/teardown --only scaling --yes/);
    expect(runsOf(callsOf(fake))).toEqual([]);
  });

  it.each([
    [
      'the worker would outnumber the partitions',
      ['--tier', 'order-worker', '--instances', '1,2,4,8'],
      {},
      /order-requests has 6 partitions .*: 8 workers would leave 2 idle/,
    ],
    [
      'the pools at the largest count exceed the RDS max_connections',
      ['--tier', 'order-service', '--instances', '1,2,4,8,16'],
      {},
      /= 380 connections, above the 268 it allows \(max_connections ≈ 0.8 × 4 GiB \/ 12582880 B = 273/,
    ],
    [
      'a smaller RDS class cannot hold the pools',
      ['--tier', 'product-service', '--instances', '1,2,4,8'],
      { [stackName(ENVIRONMENT, 'data')]: { DbInstanceClass: 'db.t4g.small' } },
      /do not fit the RDS instance db\.t4g\.small: .* = 220 connections, above the 131/,
    ],
    [
      "the gateway's rate limit is on",
      ['--tier', 'product-service', '--instances', '1,2'],
      { [stackName(ENVIRONMENT, 'services')]: { GatewayRateLimitEnabled: 'true' } },
      /GatewayRateLimitEnabled=false/,
    ],
  ])(
    'when %s, then the experiment is refused before any count is set or task started',
    async (_, args, parameters, message) => {
      const fake = workspace(['aws'], { ...READY, parameters: { ...READY.parameters, ...parameters } });
      const result = await runTool(fake, ['loadtest', ...args, '--results-dir', resultsOf(fake)]);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/cannot start: - /);
      expect(result.output).toMatch(message);
      expect(callsOf(fake).filter((call) => ['update-service', 'run-task'].includes(call[2] ?? ''))).toEqual([]);
      expect(existsSync(resultsOf(fake))).toBe(false);
    },
  );

  describe('when the product service is scaled to 1 and 2 instances, twice each, with no X(1) given', () => {
    let fake: Workspace;
    let result: { code: number; output: string };
    let calls: string[][];
    let experimentDir: string;
    beforeAll(async () => {
      const recorded = (match: string, fixture: string) => ({ match, dir: path.join(FIXTURES, fixture) });
      fake = workspace(['aws'], {
        ...READY,
        results: [
          recorded('-1x-probe/', 'product-sync-probe'),
          recorded('-1x-r1/', 'product-sync-1x-r1'),
          recorded('-1x-r2/', 'product-sync-1x-r2'),
          recorded('-2x-r1/', 'product-sync-2x-r1'),
          recorded('-2x-r2/', 'product-sync-2x-r2'),
        ],
      });
      const args = ['--tier', 'product-service', '--instances', '1,2', '--results-dir', resultsOf(fake)];
      result = await runTool(fake, ['loadtest', ...args]);
      calls = callsOf(fake);
      const match = /results in (?:.*\/)?(scaling-product-service-\d{14})\//.exec(result.output);
      experimentDir = path.join(resultsOf(fake), match?.[1] ?? 'not-announced');
    }, 120_000);

    it('then it succeeds and says where the summary is', () => {
      expect(result.code).toBe(0);
      expect(result.output).toMatch(/Scaling summary: .*scaling-product-service-\d{14}\/summary\.json/);
    });

    it('then only the product service moves; the others are set to the largest count, the worker too', () => {
      expect(countsOf(calls)).toEqual([
        ...['gateway=2', 'product-service=1', 'order-service=2', 'order-worker=2'], // the probe
        ...['gateway=2', 'product-service=1', 'order-service=2', 'order-worker=2'],
        ...['gateway=2', 'product-service=2', 'order-service=2', 'order-worker=2'],
      ]);
    });

    it('then X(1) is probed first, and each point steps through its ladder up to N × X(1) and beyond', () => {
      const environments = runsOf(calls).map(k6EnvironmentOf);
      expect(environments.map((environment) => environment['RATES'])).toEqual([
        '25,50,100,200,400,800,1600',
        '50,100,150,180,200,220,250',
        '50,100,150,180,200,220,250',
        '100,200,300,360,400,440,500',
        '100,200,300,360,400,440,500',
      ]);
      for (const environment of environments) {
        expect(environment).toEqual(
          expect.objectContaining({ SCENARIO: 'capacity', MODES: 'sync', STEP_SECONDS: '30', E2E_SAMPLE: '0' }),
        );
      }
      expect(result.output).toContain('X(1) of sync: 200 orders/s');
    });

    it('then each point has its folder with the k6 summary and point.json', () => {
      for (const [n, repeat, rates] of [
        [1, 1, [50, 100, 150, 180, 200, 220, 250]],
        [2, 2, [100, 200, 300, 360, 400, 440, 500]],
      ] as const) {
        const folder = path.join(experimentDir, `product-service-sync-${n}x-r${repeat}`);
        expect(existsSync(path.join(folder, 'k6-steps.json'))).toBe(true);
        expect(JSON.parse(readFileSync(path.join(folder, 'point.json'), 'utf8'))).toEqual(
          expect.objectContaining({ tier: 'product-service', mode: 'sync', n, repeat, rates, k6_exit_code: 0 }),
        );
      }
    });

    it('then the points are assembled: X(N) per repeat is the highest step that held', () => {
      const summary = JSON.parse(readFileSync(path.join(experimentDir, 'summary.json'), 'utf8'));
      expect(summary).toEqual(
        expect.objectContaining({
          kind: 'scaling',
          target: 'ecs',
          isolation: expect.objectContaining({ mechanism: 'ecs-task' }),
        }),
      );
      expect(summary.series).toHaveLength(1);
      expect(summary.series[0].points.map((point: { n: number; runs: number[] }) => [point.n, point.runs])).toEqual([
        [1, [220, 200]],
        [2, [400, 360]],
      ]);
      expect(existsSync(path.join(experimentDir, 'report.md'))).toBe(true);
    });
  });

  it('when the order service is scaled with X(1) given and --others, then both of its modes run, no probe', async () => {
    const fake = workspace(['aws'], {
      ...READY,
      results: [{ match: '.', dir: path.join(FIXTURES, 'product-sync-1x-r1') }],
    });
    const args = ['--tier', 'order-service', '--instances', '1,2', '--repeats', '1', '--others', '4'];
    const result = await runTool(fake, [
      'loadtest',
      ...args,
      '--single-capacity',
      'sync=100,async=400',
      '--results-dir',
      resultsOf(fake),
    ]);
    expect(result.code).toBe(0);
    const calls = callsOf(fake);
    expect(countsOf(calls)).toEqual([
      ...['gateway=4', 'product-service=4', 'order-service=1', 'order-worker=4'],
      ...['gateway=4', 'product-service=4', 'order-service=2', 'order-worker=4'],
    ]);
    expect(runsOf(calls).map((call) => [k6EnvironmentOf(call)['MODES'], k6EnvironmentOf(call)['RATES']])).toEqual([
      ['sync', '25,50,75,90,100,110,125'],
      ['async', '100,200,300,360,400,440,500'],
      ['sync', '50,100,150,180,200,220,250'],
      ['async', '200,400,600,720,800,880,1000'],
    ]);
    // The fake cluster described no service: none is set back, and each is named to be set by hand.
    expect(result.output).toMatch(
      /order-worker's count before the experiment was not known \(not ACTIVE then\): set it by hand/,
    );
  }, 60_000);

  /** Deployed services running these counts (describe-services answers them). */
  const running = (counts: Record<string, number>) => ({
    ...READY,
    services: Object.entries(counts).map(([serviceName, desiredCount]) => ({
      serviceName,
      desiredCount,
      status: 'ACTIVE',
    })),
  });
  // The order service ran no task before: it is set back to 0, not left at the experiment's count.
  const before = { gateway: 2, 'product-service': 3, 'order-service': 0, 'order-worker': 1 };
  const setBack = ['gateway=2', 'product-service=3', 'order-service=0', 'order-worker=1'];

  it('when an experiment ends, then every service is set back to the count it ran before, zero included', async () => {
    const fake = workspace(['aws'], {
      ...running(before),
      results: [{ match: '.', dir: path.join(FIXTURES, 'product-sync-1x-r1') }],
    });
    const args = ['--tier', 'product-service', '--instances', '1', '--repeats', '1', '--single-capacity', 'sync=100'];
    const result = await runTool(fake, ['loadtest', ...args, '--results-dir', resultsOf(fake)]);
    expect(result.code).toBe(0);
    expect(countsOf(callsOf(fake))).toEqual([
      ...['gateway=1', 'product-service=1', 'order-service=1', 'order-worker=1'],
      ...setBack,
    ]);
    expect(result.output).toMatch(
      /setting the services back to the counts they ran before: gateway 2, product-service 3/,
    );
  }, 60_000);

  it('when an experiment fails after scaling, then the services are still set back, and the failure is what it reports', async () => {
    // No recorded k6 results: the single-instance probe task leaves no summary to read.
    const fake = workspace(['aws'], running(before));
    const args = ['--tier', 'product-service', '--instances', '1,2', '--results-dir', resultsOf(fake)];
    const result = await runTool(fake, ['loadtest', ...args]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/the probe left no readable k6 summary/);
    expect(countsOf(callsOf(fake))).toEqual([
      ...['gateway=2', 'product-service=1', 'order-service=2', 'order-worker=2'],
      ...setBack,
    ]);
  }, 60_000);
});
