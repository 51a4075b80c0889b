/**
 * The deployment plan: which stacks exist, in which order they are deployed (each imports only
 * exports of the ones before it), what parameters the deploy passes to each, the images pushed to
 * ECR and the one-off tasks run on every deploy. The deploy tool and the offline rehearsal
 * (aws/test/rehearsal.test.ts) both read it, so the rehearsal creates the stacks as a deploy would.
 */
import path from 'node:path';

export const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');
export const TEMPLATES_DIR = path.join(REPOSITORY_ROOT, 'aws/cloudformation');

export type StackKey = 'foundation' | 'network' | 'data' | 'services' | 'scaling' | 'loadtest';

/** What a deploy knows when it reaches a stack; `imageTag` and the brokers only from `services` on. */
export interface DeployContext {
  readonly environment: string;
  readonly imageTag: string;
  /** The IAM bootstrap brokers of the MSK cluster (CloudFormation cannot return them). */
  readonly kafkaBootstrapBrokers: string;
  /** The secret with the RS256 public key the gateway verifies tokens with (auth-keys.ts). */
  readonly authVerificationKeySecretArn: string;
}

export interface StackPlan {
  readonly key: StackKey;
  readonly template: string;
  readonly summary: string;
  /** Parameters the deploy always passes; anything else keeps its default or previous value. */
  readonly parameters: (context: DeployContext) => Readonly<Record<string, string>>;
  /** Left out by `deploy --no-autoscaling` (fixed instance counts, e.g. for load tests). */
  readonly optional?: boolean;
  /**
   * Deployed with its template inline (at most 51,200 bytes): the foundation, which creates the
   * bucket every other template is uploaded to first (at most 1 MB from S3).
   */
  readonly inline?: boolean;
}

/**
 * CloudFormation's limits on a template's size: 51,200 bytes in the request, 1 MB from S3 (its
 * quotas page; read as 1,000,000 bytes, the stricter reading; older API references said 460,800).
 */
export const TEMPLATE_SIZE_LIMITS = { inline: 51_200, s3: 1_000_000 } as const;

const environmentOnly = (context: DeployContext) => ({ EnvironmentName: context.environment });

export const STACKS: readonly StackPlan[] = [
  {
    key: 'foundation',
    template: 'foundation.yaml',
    summary: 'KMS key, ECR repositories, templates bucket',
    parameters: environmentOnly,
    inline: true,
  },
  {
    key: 'network',
    template: 'network.yaml',
    summary: 'VPC over two zones, NAT, security groups',
    parameters: environmentOnly,
  },
  {
    key: 'data',
    template: 'data.yaml',
    summary: 'RDS MySQL, Amazon MSK, generated credentials',
    parameters: environmentOnly,
  },
  {
    key: 'services',
    template: 'services.yaml',
    summary: 'ECS cluster, the four services, ALB, Service Connect, one-off tasks',
    parameters: (context) => ({
      EnvironmentName: context.environment,
      ImageTag: context.imageTag,
      KafkaBootstrapBrokers: context.kafkaBootstrapBrokers,
      AuthVerificationKeySecretArn: context.authVerificationKeySecretArn,
    }),
  },
  {
    key: 'scaling',
    template: 'scaling.yaml',
    summary: 'target tracking on CPU, requests and consumer lag',
    parameters: environmentOnly,
    optional: true,
  },
  {
    key: 'loadtest',
    template: 'loadtest.yaml',
    summary: 'results bucket and the k6 task',
    parameters: environmentOnly,
  },
];

export function stackName(environment: string, key: StackKey): string {
  return `${environment}-${key}`;
}

export function findStack(key: StackKey): StackPlan {
  const stack = STACKS.find((candidate) => candidate.key === key);
  if (!stack) throw new Error(`no stack ${key}`);
  return stack;
}

/** The images of the container issue, built from the repository root, and their ECR repositories. */
export const IMAGES = [
  { image: 'ecom-platform/gateway', dockerfile: 'gateway/Dockerfile', repositoryOutput: 'GatewayRepositoryUri' },
  {
    image: 'ecom-platform/product-service',
    dockerfile: 'services/product-service/Dockerfile',
    repositoryOutput: 'ProductServiceRepositoryUri',
  },
  {
    image: 'ecom-platform/order-service',
    dockerfile: 'services/order-service/Dockerfile',
    repositoryOutput: 'OrderServiceRepositoryUri',
  },
] as const;

/**
 * The one-off tasks, in the order every deploy runs them (each is idempotent): task definition
 * from the services stack's outputs, security group from the network stack's outputs.
 */
export const ONE_OFF_JOBS = [
  {
    name: 'database-setup',
    does: 'creates product_db, order_db and their accounts',
    taskDefinitionOutput: 'DatabaseSetupTaskDefinition',
    securityGroupOutput: 'DatabaseAdminSecurityGroupId',
  },
  {
    name: 'kafka-topics',
    does: 'creates the Kafka topics',
    taskDefinitionOutput: 'KafkaTopicsTaskDefinition',
    securityGroupOutput: 'ProductServiceSecurityGroupId',
  },
  {
    name: 'product-migrations',
    does: 'migrates product_db',
    taskDefinitionOutput: 'ProductMigrationsTaskDefinition',
    securityGroupOutput: 'ProductServiceSecurityGroupId',
  },
  {
    name: 'order-migrations',
    does: 'migrates order_db',
    taskDefinitionOutput: 'OrderMigrationsTaskDefinition',
    securityGroupOutput: 'OrderServiceSecurityGroupId',
  },
  {
    name: 'product-seed',
    does: 'puts demo products in an empty catalogue',
    taskDefinitionOutput: 'ProductSeedTaskDefinition',
    securityGroupOutput: 'ProductServiceSecurityGroupId',
  },
] as const;

/** The services stack's instance counts when none is given (its parameters' defaults; a test keeps them equal). */
export const DEFAULT_DESIRED_COUNTS = {
  GatewayDesiredCount: 2,
  ProductServiceDesiredCount: 2,
  OrderServiceDesiredCount: 2,
  OrderWorkerDesiredCount: 1,
} as const;

export type DesiredCountParameter = keyof typeof DEFAULT_DESIRED_COUNTS;

/** Which ECS service each count parameter sets (the services' names in services.yaml). */
export const SERVICE_OF_COUNT: Readonly<Record<DesiredCountParameter, EcsServiceName>> = {
  GatewayDesiredCount: 'gateway',
  ProductServiceDesiredCount: 'product-service',
  OrderServiceDesiredCount: 'order-service',
  OrderWorkerDesiredCount: 'order-worker',
};

/** What a deploy finds of the services before it touches them. */
export interface ServicesState {
  /**
   * Some service runs tasks: the environment was rolled out once. False when there is no stack,
   * and when a first deploy stopped before its rollout (every service still at 0), so a retry
   * goes the first deploy's way again and ends with the services started.
   */
  readonly started: boolean;
  /** The image tag the services run (the stack's ImageTag), when started. */
  readonly runningImageTag?: string;
  /** Each service's desired count now (as autoscaling or an experiment left it), by parameter. */
  readonly counts: Readonly<Partial<Record<DesiredCountParameter, number>>>;
}

export const NOT_STARTED: ServicesState = { started: false, counts: {} };

const countParameters = Object.keys(DEFAULT_DESIRED_COUNTS) as DesiredCountParameter[];

/** An ECS service as `describe-services` reports it. */
export interface DescribedService {
  readonly serviceName?: string;
  readonly desiredCount?: number;
  readonly status?: string;
}

/** The desired count of each ACTIVE service described, zeros included, by service name. */
export function activeDesiredCounts(services: readonly DescribedService[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const service of services)
    if (service.status === 'ACTIVE' && service.serviceName && service.desiredCount !== undefined)
      counts.set(service.serviceName, service.desiredCount);
  return counts;
}

/** The state of the services from the stack's ImageTag (undefined: no stack) and ECS's description. */
export function toServicesState(
  runningImageTag: string | undefined,
  services: readonly DescribedService[],
): ServicesState {
  if (runningImageTag === undefined) return NOT_STARTED;
  const active = activeDesiredCounts(services);
  const counts: Partial<Record<DesiredCountParameter, number>> = {};
  for (const key of countParameters) {
    const count = active.get(SERVICE_OF_COUNT[key]);
    if (count !== undefined) counts[key] = count;
  }
  const started = Object.values(counts).some((count) => count > 0);
  return started ? { started, runningImageTag, counts } : NOT_STARTED;
}

/**
 * The services stack's parameters in the first phase of a deploy: the one-off tasks move to the
 * new images while started services stay on the images they run, at the counts they run
 * (`DesiredCounts=keep`: CloudFormation leaves DesiredCount out of its update). Services not
 * started yet are (re)created with no task, as there may be no schema yet.
 */
export function servicesJobsPhase(context: DeployContext, state: ServicesState): Record<string, string> {
  const base = { ...findStack('services').parameters(context), JobsImageTag: context.imageTag };
  if (state.started) return { ...base, ImageTag: state.runningImageTag ?? context.imageTag, DesiredCounts: 'keep' };
  const noTasks = Object.fromEntries(countParameters.map((key) => [key, '0']));
  return { ...base, DesiredCounts: 'set', ...noTasks };
}

/**
 * The second phase, once the one-off tasks succeeded: the services move to the new images.
 * Not started yet: they get their counts (`requested`, else the defaults). Started: their counts
 * are kept (`keep`), unless a count is requested (`--param services.GatewayDesiredCount=4`): then
 * that one is set and every other is set to what it runs now, so none is reset to a parameter.
 */
export function servicesRolloutPhase(
  context: DeployContext,
  state: ServicesState,
  requested: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const base = { ...findStack('services').parameters(context), JobsImageTag: '' };
  const asked = countParameters.filter((key) => requested[key] !== undefined);
  if (state.started && asked.length === 0) return { ...base, DesiredCounts: 'keep' };
  const fallback = (key: DesiredCountParameter) =>
    state.started ? String(state.counts[key] ?? DEFAULT_DESIRED_COUNTS[key]) : String(DEFAULT_DESIRED_COUNTS[key]);
  const counts = countParameters.map((key) => [key, requested[key] ?? fallback(key)]);
  return { ...base, DesiredCounts: 'set', ...Object.fromEntries(counts) };
}

/** The ECS services, as named in the services stack (a scaling experiment sets their counts). */
export const HTTP_SERVICES = ['gateway', 'product-service', 'order-service'] as const;
export const WORKER_SERVICE = 'order-worker';
/** All four, in the order the count parameters name them. */
export const ECS_SERVICES = [...HTTP_SERVICES, WORKER_SERVICE] as const;
export type EcsServiceName = (typeof ECS_SERVICES)[number];

export const K6_SCENARIOS = ['smoke', 'compare', 'capacity', 'spike', 'soak'] as const;
export type K6Scenario = (typeof K6_SCENARIOS)[number];
/** The k6 suite's entry point (plain-JS k6; SCENARIO and BASE_URL from the environment). */
export const K6_SUITE_DIR = 'performance-tests/k6';
export const K6_ENTRY_POINT = 'run.js';
