/**
 * `npm run aws -- loadtest`: it refuses instance counts while autoscaling is deployed, and otherwise
 * sets each count, uploads the k6 suite and runs k6 with its scenario and the API URL.
 */
import { STACKS, stackName } from '../scripts/lib/stacks';
import { ENVIRONMENT, callsOf, optionOf, runTool, useWorkspaces } from './support/deploy-tool';

describe('the aws tool (npm run aws)', () => {
  const workspace = useWorkspaces();

  it('when a load test asks for instance counts while autoscaling is deployed, then it refuses and says how to remove it', async () => {
    const fake = workspace(['aws'], { deployed: STACKS.map((stack) => stackName(ENVIRONMENT, stack.key)) });
    const result = await runTool(fake, ['loadtest', '--instances', '1,2']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/teardown --only scaling --yes/);
    expect(callsOf(fake).filter((call) => call[2] === 'run-task')).toEqual([]);
  });

  it('when a load test runs at 1 and 2 instances, then each count is set, the suite uploaded and k6 run with its scenario and the API URL', async () => {
    const deployed = STACKS.filter((stack) => stack.key !== 'scaling').map((stack) =>
      stackName(ENVIRONMENT, stack.key),
    );
    const fake = workspace(['aws'], { deployed, containers: ['fetch-scripts', 'k6', 'upload-results'] });
    const result = await runTool(fake, ['loadtest', '--scenario', 'compare', '--instances', '1,2']);
    expect(result.code).toBe(0);
    const calls = callsOf(fake);
    const counts = calls
      .filter((call) => call[2] === 'update-service')
      .map((call) => `${optionOf(call, '--service')}=${optionOf(call, '--desired-count')}`);
    expect(counts).toEqual([
      'gateway=1',
      'product-service=1',
      'order-service=1',
      'order-worker=1',
      'gateway=2',
      'product-service=2',
      'order-service=2',
      'order-worker=2',
    ]);
    const runs = calls.filter((call) => call[2] === 'run-task');
    expect(runs).toHaveLength(2);
    const overrides = JSON.parse(optionOf(runs[0] ?? [], '--overrides') ?? '{}') as {
      containerOverrides: { name: string; environment: { name: string; value: string }[] }[];
    };
    const k6 = overrides.containerOverrides.find((container) => container.name === 'k6')?.environment;
    expect(k6).toEqual([
      { name: 'SCENARIO', value: 'compare' },
      { name: 'BASE_URL', value: 'http://ecom-alb-1234.eu-west-1.elb.amazonaws.com' },
    ]);
    const uploads = calls.filter(
      (call) => call[1] === 's3' && call[2] === 'cp' && call[5]?.endsWith('performance-tests/k6'),
    );
    expect(uploads.map((call) => call[6])).toEqual([
      expect.stringMatching(/^s3:\/\/fake-ResultsBucketName\/runs\/compare-1x-\d{14}\/scripts\/$/),
      expect.stringMatching(/^s3:\/\/fake-ResultsBucketName\/runs\/compare-2x-\d{14}\/scripts\/$/),
    ]);
  }, 60_000);
});
