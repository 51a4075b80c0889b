/**
 * `npm run aws -- deploy`: the order of the steps (stacks in plan order, images pushed after the
 * foundation, one-off jobs between the two services deploys), the parameters of each phase, the
 * templates uploaded through the foundation's bucket, the token keys generated once, and a
 * deploy that stops when a one-off job fails or outlives its timeout. Retries, redeploys and
 * refusals: deploy-tool-redeploy.test.ts.
 */
import { ONE_OFF_JOBS, STACKS, stackName } from '../scripts/lib/stacks';
import {
  ENVIRONMENT,
  callsOf,
  optionOf,
  overridesOf,
  runTool,
  useWorkspaces,
  type Workspace,
} from './support/deploy-tool';

describe('the aws tool (npm run aws)', () => {
  const workspace = useWorkspaces();

  describe('when a first deploy runs', () => {
    let fake: Workspace;
    let result: { code: number; output: string };
    let calls: string[][];
    beforeAll(async () => {
      fake = workspace(['aws', 'docker', 'git']);
      result = await runTool(fake, ['deploy', '--param', 'data.DbMultiAz=false']);
      calls = callsOf(fake);
    }, 60_000);
    const indexOf = (predicate: (call: string[]) => boolean) => calls.findIndex(predicate);
    const deploys = () => calls.filter((call) => call[1] === 'cloudformation' && call[2] === 'deploy');

    it('then it succeeds and ends with the API URL', () => {
      expect(result.code).toBe(0);
      expect(result.output).toContain('The API: http://ecom-alb-1234.eu-west-1.elb.amazonaws.com');
    });

    it('then it deploys the stacks in plan order, the services stack twice', () => {
      const order = deploys().map((call) => optionOf(call, '--stack-name'));
      const expected = STACKS.flatMap((stack) =>
        stack.key === 'services'
          ? [stackName(ENVIRONMENT, 'services'), stackName(ENVIRONMENT, 'services')]
          : [stackName(ENVIRONMENT, stack.key)],
      );
      expect(order).toEqual(expected);
    });

    it('then it pushes the three images, tagged with the commit, after the foundation and before the network', () => {
      const pushes = calls.filter((call) => call[0] === 'docker' && call[1] === 'push').map((call) => call[2]);
      expect(pushes).toEqual([
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecom/GatewayRepositoryUri:abcdef123456',
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecom/ProductServiceRepositoryUri:abcdef123456',
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecom/OrderServiceRepositoryUri:abcdef123456',
      ]);
      const foundation = indexOf((call) => optionOf(call, '--stack-name') === 'ecom-foundation');
      const network = indexOf((call) => call[2] === 'deploy' && optionOf(call, '--stack-name') === 'ecom-network');
      const firstPush = indexOf((call) => call[0] === 'docker' && call[1] === 'push');
      expect(foundation).toBeLessThan(firstPush);
      expect(firstPush).toBeLessThan(network);
    });

    it('then the services start without tasks, the one-off jobs run in order, then the services get their counts', () => {
      const [first, second] = deploys().filter((call) => optionOf(call, '--stack-name') === 'ecom-services');
      expect(overridesOf(first ?? [])).toEqual(
        expect.objectContaining({
          ImageTag: 'abcdef123456',
          JobsImageTag: 'abcdef123456',
          DesiredCounts: 'set',
          GatewayDesiredCount: '0',
          OrderWorkerDesiredCount: '0',
          KafkaBootstrapBrokers: 'b-1.fake.kafka.eu-west-1.amazonaws.com:9098',
        }),
      );
      expect(overridesOf(second ?? [])).toEqual(
        expect.objectContaining({
          ImageTag: 'abcdef123456',
          JobsImageTag: '',
          DesiredCounts: 'set',
          GatewayDesiredCount: '2',
          OrderWorkerDesiredCount: '1',
        }),
      );
      const firstServices = calls.indexOf(first ?? []);
      const secondServices = calls.indexOf(second ?? []);
      const runs = calls
        .map((call, index) => ({ call, index }))
        .filter(({ call }) => call[1] === 'ecs' && call[2] === 'run-task');
      expect(runs.map(({ call }) => optionOf(call, '--task-definition'))).toEqual(
        ONE_OFF_JOBS.map((job) => `fake-${job.taskDefinitionOutput}`),
      );
      expect(
        runs.map(({ call }) => JSON.parse(optionOf(call, '--network-configuration') ?? '{}').awsvpcConfiguration),
      ).toEqual(
        ONE_OFF_JOBS.map((job) => ({
          subnets: ['subnet-a', 'subnet-b'],
          securityGroups: [`fake-${job.securityGroupOutput}`],
          assignPublicIp: 'DISABLED',
        })),
      );
      for (const { index } of runs) expect(index > firstServices && index < secondServices).toBe(true);
    });

    it('then a --param override reaches its stack, and only that stack', () => {
      const withOverride = deploys().filter((call) => 'DbMultiAz' in overridesOf(call));
      expect(withOverride.map((call) => [optionOf(call, '--stack-name'), overridesOf(call)['DbMultiAz']])).toEqual([
        ['ecom-data', 'false'],
      ]);
    });

    it('then every template but the foundation goes through the templates bucket the foundation created', () => {
      const buckets = deploys().map((call) => [
        optionOf(call, '--stack-name'),
        call.includes('--s3-bucket') ? optionOf(call, '--s3-bucket') : 'inline',
      ]);
      expect(buckets).toEqual(
        deploys().map((call) => {
          const name = optionOf(call, '--stack-name');
          return [name, name === 'ecom-foundation' ? 'inline' : 'fake-TemplatesBucketName'];
        }),
      );
    });

    it('then the token keys are generated once into Secrets Manager, and the gateway gets the public one', () => {
      const created = calls.filter((call) => call[1] === 'secretsmanager' && call[2] === 'create-secret');
      expect(created.map((call) => [optionOf(call, '--name'), optionOf(call, '--kms-key-id')])).toEqual([
        ['ecom/auth/signing-key', 'fake-PlatformKeyArn'],
        ['ecom/auth/verification-key', 'fake-PlatformKeyArn'],
      ]);
      expect(optionOf(created[0] ?? [], '--secret-string')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(optionOf(created[1] ?? [], '--secret-string')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      const services = deploys().filter((call) => optionOf(call, '--stack-name') === 'ecom-services');
      for (const call of services)
        expect(overridesOf(call)['AuthVerificationKeySecretArn']).toBe(
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecom/auth/verification-key-AbCdEf',
        );
      expect(result.output).not.toMatch(/BEGIN PRIVATE KEY/);
      const firstSecret = calls.indexOf(created[0] ?? []);
      expect(firstSecret).toBeLessThan(calls.indexOf(services[0] ?? []));
    });

    it('then each one-off task is given its timeout', () => {
      expect(result.output).toContain(
        'running one-off task database-setup: creates product_db, order_db and their accounts (at most 1200 s;',
      );
    });

    it('then each step says what it is doing', () => {
      for (const stack of STACKS)
        expect(result.output).toContain(`deploying stack ${stackName(ENVIRONMENT, stack.key)} (`);
      for (const job of ONE_OFF_JOBS) expect(result.output).toContain(`running one-off task ${job.name}: ${job.does}`);
      expect(result.output).toMatch(/building ecom-platform\/order-service from services\/order-service\/Dockerfile/);
    });
  });

  it('when the token keys exist already, then they are kept, not generated again', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecom/auth/verification-key-Kept12';
    const secrets = {
      'ecom/auth/signing-key': { ARN: 'arn:signing', SecretString: 'private' },
      'ecom/auth/verification-key': { ARN: arn, SecretString: 'public' },
    };
    const fake = workspace(['aws', 'docker', 'git'], { secrets });
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(0);
    const calls = callsOf(fake);
    expect(calls.filter((call) => call[2] === 'create-secret')).toEqual([]);
    expect(result.output).toMatch(
      /token keys: the RS256 key pair in Secrets Manager \(ecom\/auth\/signing-key\) is kept/,
    );
    const services = calls.filter((call) => call[2] === 'deploy' && optionOf(call, '--stack-name') === 'ecom-services');
    expect(services.map((call) => overridesOf(call)['AuthVerificationKeySecretArn'])).toEqual([arn, arn]);
  }, 60_000);

  it('when a one-off task does not end within --job-timeout, then it is stopped and the deploy stops before the rollout', async () => {
    const fake = workspace(['aws', 'docker', 'git'], { taskRunsForever: true });
    const result = await runTool(fake, ['deploy', '--job-timeout', '1']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/task \S+ timed out after 1 s \(npm run aws\); it was stopped/);
    const calls = callsOf(fake);
    const stopped = calls.filter((call) => call[2] === 'stop-task');
    expect(stopped.map((call) => optionOf(call, '--reason'))).toEqual(['timed out after 1 s (npm run aws)']);
    expect(
      calls.filter((call) => call[2] === 'deploy' && optionOf(call, '--stack-name') === 'ecom-services'),
    ).toHaveLength(1);
  }, 60_000);

  it('when --job-timeout is not a whole number of seconds, then it stops with the usage', async () => {
    const result = await runTool(workspace(['aws', 'docker', 'git']), ['deploy', '--job-timeout', '0.5']);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/--job-timeout 0.5: whole seconds, at least 1/);
  });

  it('when a one-off job fails, then deploy stops before the services move to the new images', async () => {
    const fake = workspace(['aws', 'docker', 'git'], { exitCode: 1 });
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/one-off task database-setup failed/);
    const services = callsOf(fake).filter(
      (call) => call[2] === 'deploy' && optionOf(call, '--stack-name') === 'ecom-services',
    );
    expect(services).toHaveLength(1);
  }, 60_000);
});
