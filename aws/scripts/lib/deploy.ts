/**
 * `npm run aws -- deploy`: foundation stack, images to ECR, network and data stacks, the services
 * stack with the one-off tasks (databases, topics, migrations, seed) run on the new images before
 * the services move to them, then scaling and load-test stacks. Prints the API's URL at the end.
 */
import { connect, requireProgram, run, step, type AwsCli } from './aws-cli';
import { deployStack, describeStack } from './cloudformation';
import { runTaskToCompletion } from './ecs';
import {
  IMAGES,
  ONE_OFF_JOBS,
  REPOSITORY_ROOT,
  findStack,
  servicesJobsPhase,
  servicesRolloutPhase,
  stackName,
  type DeployContext,
  type StackKey,
} from './stacks';

export interface DeployOptions {
  readonly environment: string;
  readonly region?: string;
  readonly imageTag?: string;
  readonly autoscaling: boolean;
  /** `--param stack.Name=value`, e.g. data.DbMultiAz=false. */
  readonly parameters: Readonly<Partial<Record<StackKey, Record<string, string>>>>;
}

export async function deploy(options: DeployOptions): Promise<void> {
  const { cli, account } = await connect(options.region);
  await requireProgram(
    'docker',
    ['version', '--format', '{{.Server.Version}}'],
    'Docker (with a running engine) builds the images.',
  );
  const imageTag = options.imageTag ?? (await gitImageTag());
  const environment = options.environment;
  step(`deploying environment "${environment}" to account ${account}, region ${cli.region}, images tagged ${imageTag}`);
  const context = (kafkaBootstrapBrokers = ''): DeployContext => ({ environment, imageTag, kafkaBootstrapBrokers });
  const parametersOf = (key: StackKey) => ({ ...findStack(key).parameters(context()), ...options.parameters[key] });

  const foundation = await deployStack(cli, environment, findStack('foundation'), parametersOf('foundation'));
  await pushImages(cli, foundation, imageTag);
  const network = await deployStack(cli, environment, findStack('network'), parametersOf('network'));
  const data = await deployStack(cli, environment, findStack('data'), parametersOf('data'));
  const brokers = await kafkaBootstrapBrokers(cli, data['KafkaClusterArn']);

  // Phase 1: the one-off tasks move to the new images and run; phase 2: the services follow.
  const running = await describeStack(cli, stackName(environment, 'services'));
  const runningImageTag = running ? await deployedParameter(cli, environment, 'ImageTag') : undefined;
  const userServiceParameters = options.parameters.services ?? {};
  const jobsPhase = { ...userServiceParameters, ...servicesJobsPhase(context(brokers), runningImageTag) };
  const services = await deployStack(cli, environment, findStack('services'), jobsPhase);
  await runOneOffJobs(cli, services, network);
  const rollout = servicesRolloutPhase(context(brokers), running === undefined, userServiceParameters);
  const final = await deployStack(cli, environment, findStack('services'), { ...userServiceParameters, ...rollout });

  if (options.autoscaling) await deployStack(cli, environment, findStack('scaling'), parametersOf('scaling'));
  else step('autoscaling left out (--no-autoscaling): instance counts stay as deployed');
  await deployStack(cli, environment, findStack('loadtest'), parametersOf('loadtest'));

  step(`done. The API: ${final['ApiUrl']}  (try: curl ${final['ApiUrl']}/health)`);
  step(`load balancer: ${final['LoadBalancerDnsName']}; cluster: ${final['ClusterName']}`);
}

/** The git commit (plus a timestamp when the tree has uncommitted changes): ECR tags are immutable. */
async function gitImageTag(): Promise<string> {
  await requireProgram('git', ['--version'], 'git names the image tag (or pass --image-tag).');
  const commit = await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPOSITORY_ROOT });
  if (commit.code !== 0) throw new Error(`git rev-parse failed (${commit.stderr.trim()}); pass --image-tag`);
  const status = await run('git', ['status', '--porcelain'], { cwd: REPOSITORY_ROOT });
  const dirty = status.stdout.trim() ? `-dirty-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}` : '';
  return `${commit.stdout.trim()}${dirty}`;
}

async function pushImages(cli: AwsCli, foundation: Record<string, string>, tag: string): Promise<void> {
  const registry = foundation['ImageRegistry'] ?? '';
  step(`logging docker in to ${registry}`);
  const password = await cli.text(['ecr', 'get-login-password']);
  const login = await run('docker', ['login', '--username', 'AWS', '--password-stdin', registry], { input: password });
  if (login.code !== 0) throw new Error(`docker login to ${registry} failed: ${login.stderr.trim()}`);
  for (const { image, dockerfile, repositoryOutput } of IMAGES) {
    const repository = foundation[repositoryOutput] ?? '';
    const repositoryName = repository.slice(repository.indexOf('/') + 1);
    const existing = await cli.attempt([
      'ecr',
      'describe-images',
      '--repository-name',
      repositoryName,
      '--image-ids',
      `imageTag=${tag}`,
    ]);
    if (existing.code === 0) {
      step(`${image}:${tag} is already in ECR; not rebuilt`);
      continue;
    }
    step(`building ${image} from ${dockerfile} (context: the repository root) and pushing it as ${repository}:${tag}`);
    const buildArgs = ['build', '--platform', 'linux/amd64', '-f', dockerfile, '-t', `${repository}:${tag}`, '.'];
    const built = await run('docker', buildArgs, { cwd: REPOSITORY_ROOT, inherit: true });
    if (built.code !== 0) throw new Error(`docker build of ${image} failed (output above)`);
    const pushed = await run('docker', ['push', `${repository}:${tag}`], { inherit: true });
    if (pushed.code !== 0) throw new Error(`docker push of ${image} failed (output above)`);
  }
}

async function kafkaBootstrapBrokers(cli: AwsCli, clusterArn: string | undefined): Promise<string> {
  if (!clusterArn) throw new Error('the data stack has no KafkaClusterArn output');
  step('reading the MSK bootstrap brokers (IAM, port 9098)');
  const brokers = await cli.json<{ BootstrapBrokerStringSaslIam?: string }>([
    'kafka',
    'get-bootstrap-brokers',
    '--cluster-arn',
    clusterArn,
  ]);
  if (!brokers.BootstrapBrokerStringSaslIam) throw new Error(`MSK cluster ${clusterArn} has no IAM bootstrap brokers`);
  return brokers.BootstrapBrokerStringSaslIam;
}

async function deployedParameter(cli: AwsCli, environment: string, key: string): Promise<string> {
  const stack = await describeStack(cli, stackName(environment, 'services'));
  const value = stack?.Parameters?.find((parameter) => parameter.ParameterKey === key)?.ParameterValue;
  if (!value) throw new Error(`the services stack has no ${key} parameter`);
  return value;
}

async function runOneOffJobs(cli: AwsCli, services: Record<string, string>, network: Record<string, string>) {
  const cluster = services['ClusterName'] ?? '';
  for (const job of ONE_OFF_JOBS) {
    step(`running one-off task ${job.name}: ${job.does} (logs: CloudWatch /${cluster}/jobs, stream ${job.name}/…)`);
    const exitCodes = await runTaskToCompletion(cli, cluster, services[job.taskDefinitionOutput] ?? '', {
      subnets: network['PrivateSubnetIds'] ?? '',
      securityGroup: network[job.securityGroupOutput] ?? '',
    });
    const failed = Object.entries(exitCodes).filter(([, code]) => code !== 0);
    if (failed.length > 0) {
      throw new Error(`one-off task ${job.name} failed (exit codes ${JSON.stringify(exitCodes)}); see its log stream`);
    }
  }
}
