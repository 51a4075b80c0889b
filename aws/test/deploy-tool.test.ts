/**
 * `npm run aws -- deploy | loadtest | teardown`, run as a user would, with the AWS CLI, docker and
 * git replaced by support/fake-cli.js on a PATH of their own: the order of the steps, the
 * parameters of each phase, and the messages when a prerequisite is missing. Nothing reaches AWS.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ONE_OFF_JOBS, REPOSITORY_ROOT, STACKS, stackName } from '../scripts/lib/stacks';
import { templateOf } from './support/templates';

const TSX = path.join(REPOSITORY_ROOT, 'node_modules/tsx/dist/cli.mjs');
const FAKE_CLI = path.join(__dirname, 'support/fake-cli.js');
const ENVIRONMENT = 'ecom';

interface Workspace {
  readonly dir: string;
  readonly bin: string;
  readonly log: string;
  readonly state: string;
}

function createWorkspace(programs: readonly string[], state: object): Workspace {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecom-aws-tool-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, path.join(bin, 'node'));
  for (const program of programs) {
    const wrapper = path.join(bin, program);
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_CLI}" ${program} "$@"\n`);
    chmodSync(wrapper, 0o755);
  }
  const workspace = { dir, bin, log: path.join(dir, 'calls.jsonl'), state: path.join(dir, 'state.json') };
  writeFileSync(workspace.log, '');
  writeFileSync(workspace.state, JSON.stringify({ deployed: [], parameters: {}, outputs: fakeOutputs(), ...state }));
  return workspace;
}

/** Every stack's outputs, as `fake-<Output>` unless a value's shape matters to the tool. */
function fakeOutputs(): Record<string, Record<string, string>> {
  const special: Record<string, string> = {
    ApiUrl: 'http://ecom-alb-1234.eu-west-1.elb.amazonaws.com',
    ClusterName: ENVIRONMENT,
    ImageRegistry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    PrivateSubnetIds: 'subnet-a,subnet-b',
    KafkaClusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/ecom-kafka/uuid-1',
  };
  return Object.fromEntries(
    STACKS.map((stack) => [
      stackName(ENVIRONMENT, stack.key),
      Object.fromEntries(
        Object.keys(templateOf(stack.key).Outputs ?? {}).map((key) => [
          key,
          special[key] ??
            (key.endsWith('RepositoryUri')
              ? `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecom/${key}`
              : `fake-${key}`),
        ]),
      ),
    ]),
  );
}

function runTool(workspace: Workspace, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, '--tsconfig', 'aws/tsconfig.json', 'aws/scripts/aws.ts', ...args], {
      cwd: REPOSITORY_ROOT,
      env: {
        PATH: workspace.bin,
        HOME: workspace.dir,
        AWS_REGION: 'eu-west-1',
        FAKE_CLI_LOG: workspace.log,
        FAKE_CLI_STATE: workspace.state,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

const callsOf = (workspace: Workspace): string[][] =>
  readFileSync(workspace.log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);

const optionOf = (call: readonly string[], name: string) => call[call.indexOf(name) + 1];
const overridesOf = (call: readonly string[]) =>
  Object.fromEntries(
    call
      .slice(call.indexOf('--parameter-overrides') + 1)
      .filter((arg) => /^\w+=/.test(arg))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );

describe('the aws tool (npm run aws)', () => {
  const workspaces: Workspace[] = [];
  const workspace = (programs: readonly string[], state: object = {}) => {
    const created = createWorkspace(programs, state);
    workspaces.push(created);
    return created;
  };
  afterAll(() => workspaces.forEach((w) => rmSync(w.dir, { recursive: true, force: true })));

  it.each([['deploy'], ['teardown', '--yes'], ['loadtest']])(
    'when the AWS CLI is not installed, then `%s` stops at once and says how to get it',
    async (...args) => {
      const result = await runTool(workspace([]), args);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(
        /cannot start: aws is not installed \(not found on PATH\)\.\nInstall the AWS CLI v2/,
      );
    },
  );

  it('when the AWS credentials do not work, then the tool says so before touching anything', async () => {
    const fake = workspace(['aws'], { credentials: false });
    const result = await runTool(fake, ['teardown', '--yes']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(
      /No usable AWS credentials \(aws sts get-caller-identity: Unable to locate credentials\.\)/,
    );
    expect(callsOf(fake).filter((call) => call[1] === 'cloudformation')).toEqual([]);
  });

  it('when docker is missing, then deploy stops before deploying anything', async () => {
    const fake = workspace(['aws', 'git']);
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/docker is not installed/);
    expect(callsOf(fake).filter((call) => call[2] === 'deploy')).toEqual([]);
  });

  it('when teardown is asked without confirmation and no terminal, then it refuses', async () => {
    const result = await runTool(workspace(['aws']), ['teardown']);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/pass --yes to confirm/);
  });

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
          GatewayDesiredCount: '0',
          OrderWorkerDesiredCount: '0',
          KafkaBootstrapBrokers: 'b-1.fake.kafka.eu-west-1.amazonaws.com:9098',
        }),
      );
      expect(overridesOf(second ?? [])).toEqual(
        expect.objectContaining({
          ImageTag: 'abcdef123456',
          JobsImageTag: '',
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

    it('then each step says what it is doing', () => {
      for (const stack of STACKS)
        expect(result.output).toContain(`deploying stack ${stackName(ENVIRONMENT, stack.key)} (`);
      for (const job of ONE_OFF_JOBS) expect(result.output).toContain(`running one-off task ${job.name}: ${job.does}`);
      expect(result.output).toMatch(/building ecom-platform\/order-service from services\/order-service\/Dockerfile/);
    });
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

  it('when teardown runs, then it empties the results bucket and deletes the stacks newest first', async () => {
    const fake = workspace(['aws'], { deployed: STACKS.map((stack) => stackName(ENVIRONMENT, stack.key)) });
    const result = await runTool(fake, ['teardown', '--yes']);
    expect(result.code).toBe(0);
    const calls = callsOf(fake);
    const deletions = calls.filter((call) => call[2] === 'delete-stack').map((call) => optionOf(call, '--stack-name'));
    expect(deletions).toEqual([...STACKS].reverse().map((stack) => stackName(ENVIRONMENT, stack.key)));
    const emptied = calls.findIndex((call) => call[1] === 's3' && call[2] === 'rm');
    expect(calls[emptied]).toEqual(expect.arrayContaining(['s3://fake-ResultsBucketName']));
    expect(emptied).toBeLessThan(calls.findIndex((call) => call[2] === 'delete-stack'));
    expect(result.output).toMatch(/final snapshot is kept/);
  });

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
