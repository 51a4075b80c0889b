/**
 * `npm run aws -- deploy`: foundation stack, images to ECR, network and data stacks, the services
 * stack with the one-off tasks (databases, topics, migrations, seed) run on the new images before
 * the services move to them, then scaling and load-test stacks. Prints the API's URL at the end.
 */
import { z } from 'zod';
import { ensureAuthKeys } from './auth-keys';
import { PrerequisiteError, connect, parseOutput, requireProgram, run, step, type AwsCli } from './aws-cli';
import { deployStack, describeStack, isToBeRecreated, stackParameters, type TemplateUpload } from './cloudformation';
import { deployRefusals, majorUpgradeNotice, type DeployRequest } from './deploy-checks';
import { describedServicesSchema, runTaskToCompletion } from './ecs';
import {
  IMAGES,
  NOT_STARTED,
  ONE_OFF_JOBS,
  REPOSITORY_ROOT,
  ECS_SERVICES,
  findStack,
  servicesJobsPhase,
  servicesRolloutPhase,
  stackName,
  toServicesState,
  type DeployContext,
  type ServicesState,
  type StackKey,
} from './stacks';

export interface DeployOptions {
  readonly environment: string;
  readonly region?: string;
  readonly imageTag?: string;
  readonly autoscaling: boolean;
  /** `--param stack.Name=value`, e.g. data.DbMultiAz=false. */
  readonly parameters: Readonly<Partial<Record<StackKey, Record<string, string>>>>;
  /** Each one-off task is stopped, and the deploy fails, when it has not ended by then. */
  readonly jobTimeoutSeconds: number;
}

export const DEFAULT_JOB_TIMEOUT_SECONDS = 1200;

export async function deploy(options: DeployOptions): Promise<void> {
  const { cli, account } = await connect(options.region);
  const { environment } = options;
  await checkRequest(cli, environment, options.parameters);
  await requireProgram(
    'docker',
    ['version', '--format', '{{.Server.Version}}'],
    'Docker (with a running engine) builds the images.',
  );
  const imageTag = options.imageTag ?? (await gitImageTag());
  step(`deploying environment "${environment}" to account ${account}, region ${cli.region}, images tagged ${imageTag}`);
  const baseContext: DeployContext = {
    environment,
    imageTag,
    kafkaBootstrapBrokers: '',
    authVerificationKeySecretArn: '',
  };
  const parametersOf = (key: StackKey) => ({ ...findStack(key).parameters(baseContext), ...options.parameters[key] });

  const foundation = await deployStack(cli, environment, findStack('foundation'), parametersOf('foundation'));
  const upload: TemplateUpload = { bucket: foundation['TemplatesBucketName'] ?? '' };
  await pushImages(cli, foundation, imageTag);
  const network = await deployStack(cli, environment, findStack('network'), parametersOf('network'), upload);
  const data = await deployStack(cli, environment, findStack('data'), parametersOf('data'), upload);
  const context: DeployContext = {
    ...baseContext,
    kafkaBootstrapBrokers: await kafkaBootstrapBrokers(cli, data['KafkaClusterArn']),
    authVerificationKeySecretArn:
      options.parameters.services?.['AuthEnabled'] === 'false'
        ? ''
        : await ensureAuthKeys(cli, environment, foundation['PlatformKeyArn'] ?? ''),
  };
  const final = await deployServices(cli, { context, network, upload, options });

  if (options.autoscaling) await deployStack(cli, environment, findStack('scaling'), parametersOf('scaling'), upload);
  else step('autoscaling left out (--no-autoscaling): instance counts stay as deployed');
  await deployStack(cli, environment, findStack('loadtest'), parametersOf('loadtest'), upload);

  printWhereItIs(final);
}

/** The end of a deploy: the API's URL, the load balancer, how to get a token. */
function printWhereItIs(final: Record<string, string>): void {
  step(`done. The API: ${final['ApiUrl']}  (try: curl ${final['ApiUrl']}/health)`);
  step(`load balancer: ${final['LoadBalancerDnsName']}; cluster: ${final['ClusterName']}`);
  if (!(final['ApiUrl'] ?? '').includes(final['LoadBalancerDnsName'] ?? '-')) {
    step(
      `the API's name must resolve to the load balancer: an alias or CNAME to ${final['LoadBalancerDnsName']} ` +
        '(made for you when services.HostedZoneId names its Route 53 zone)',
    );
  }
  step('a token for it: npm run aws -- token --role admin   (or --user <id> for a customer)');
}

/** Refuses, before anything is deployed, what the deploy could not carry out (deploy-checks.ts). */
async function checkRequest(cli: AwsCli, environment: string, requested: DeployOptions['parameters']) {
  const request: DeployRequest = {
    region: cli.region,
    requested,
    deployed: {
      data: await stackParameters(cli, environment, 'data'),
      services: await stackParameters(cli, environment, 'services'),
    },
  };
  const refusals = deployRefusals(request);
  if (refusals.length > 0) throw new PrerequisiteError(`nothing was deployed:\n- ${refusals.join('\n- ')}`);
  const notice = majorUpgradeNotice(request);
  if (notice) step(notice);
}

interface ServicesDeploy {
  readonly context: DeployContext;
  readonly network: Record<string, string>;
  readonly upload: TemplateUpload;
  readonly options: DeployOptions;
}

/**
 * Phase 1: the one-off tasks move to the new images and run; phase 2: the services follow. Whether
 * the services were ever started decides their counts (stacks.ts): a retried first deploy starts
 * them, a redeploy keeps what they run.
 */
async function deployServices(cli: AwsCli, { context, network, upload, options }: ServicesDeploy) {
  const { environment } = context;
  const state = await servicesState(cli, environment);
  const stack = await describeStack(cli, stackName(environment, 'services'));
  if (!state.started && stack && !isToBeRecreated(stack)) {
    step('the services stack exists but no service was ever started (a first deploy that stopped): starting them now');
  }
  const requested = options.parameters.services ?? {};
  const plan = findStack('services');
  const jobsPhase = { ...requested, ...servicesJobsPhase(context, state) };
  const services = await deployStack(cli, environment, plan, jobsPhase, upload);
  await runOneOffJobs(cli, services, network, options.jobTimeoutSeconds);
  const rollout = { ...requested, ...servicesRolloutPhase(context, state, requested) };
  return deployStack(cli, environment, plan, rollout, upload);
}

/**
 * The services as deployed: started when any runs tasks; the image tag and counts they run. Not
 * started when there is no stack, when it is to be created anew (stackParameters is empty then),
 * or when its cluster is gone (ClusterNotFoundException: a rollback deleted it).
 */
export async function servicesState(cli: AwsCli, environment: string): Promise<ServicesState> {
  const runningImageTag = (await stackParameters(cli, environment, 'services'))['ImageTag'];
  if (runningImageTag === undefined) return NOT_STARTED;
  const args = ['ecs', 'describe-services', '--cluster', environment, '--services', ...ECS_SERVICES];
  const result = await cli.attempt(args);
  if (result.code !== 0) {
    if (/ClusterNotFoundException/.test(result.stderr)) return NOT_STARTED;
    throw new Error(`aws ecs describe-services failed: ${result.stderr.trim()}`);
  }
  return toServicesState(runningImageTag, parseOutput(describedServicesSchema, result.stdout, args).services);
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
  const brokers = await cli.parse(
    ['kafka', 'get-bootstrap-brokers', '--cluster-arn', clusterArn],
    z.object({ BootstrapBrokerStringSaslIam: z.string().optional() }),
  );
  if (!brokers.BootstrapBrokerStringSaslIam) throw new Error(`MSK cluster ${clusterArn} has no IAM bootstrap brokers`);
  return brokers.BootstrapBrokerStringSaslIam;
}

async function runOneOffJobs(
  cli: AwsCli,
  services: Record<string, string>,
  network: Record<string, string>,
  timeoutSeconds: number,
) {
  const cluster = services['ClusterName'] ?? '';
  for (const job of ONE_OFF_JOBS) {
    step(
      `running one-off task ${job.name}: ${job.does} (at most ${timeoutSeconds} s; ` +
        `logs: CloudWatch /${cluster}/jobs, stream ${job.name}/…)`,
    );
    const taskNetwork = {
      subnets: network['PrivateSubnetIds'] ?? '',
      securityGroup: network[job.securityGroupOutput] ?? '',
    };
    const exitCodes = await runTaskToCompletion(cli, cluster, services[job.taskDefinitionOutput] ?? '', taskNetwork, {
      timeoutSeconds,
    });
    const failed = Object.entries(exitCodes).filter(([, code]) => code !== 0);
    if (failed.length > 0) {
      throw new Error(`one-off task ${job.name} failed (exit codes ${JSON.stringify(exitCodes)}); see its log stream`);
    }
  }
}
