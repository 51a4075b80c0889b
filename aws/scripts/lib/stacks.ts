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
}

export interface StackPlan {
  readonly key: StackKey;
  readonly template: string;
  readonly summary: string;
  /** Parameters the deploy always passes; anything else keeps its default or previous value. */
  readonly parameters: (context: DeployContext) => Readonly<Record<string, string>>;
  /** Left out by `deploy --no-autoscaling` (fixed instance counts, e.g. for load tests). */
  readonly optional?: boolean;
}

const environmentOnly = (context: DeployContext) => ({ EnvironmentName: context.environment });

export const STACKS: readonly StackPlan[] = [
  {
    key: 'foundation',
    template: 'foundation.yaml',
    summary: 'KMS key and ECR repositories',
    parameters: environmentOnly,
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

/**
 * The services stack's parameters in the first phase of a deploy: the one-off tasks move to the
 * new images while the services stay on the images they run (`runningImageTag`); on a first
 * deploy (nothing running) the services are created with no task, as there is no schema yet.
 */
export function servicesJobsPhase(context: DeployContext, runningImageTag: string | undefined): Record<string, string> {
  const base = { ...findStack('services').parameters(context), JobsImageTag: context.imageTag };
  if (runningImageTag !== undefined) return { ...base, ImageTag: runningImageTag };
  const noTasks = Object.fromEntries(Object.keys(DEFAULT_DESIRED_COUNTS).map((key) => [key, '0']));
  return { ...base, ...noTasks };
}

/**
 * The second phase, once the one-off tasks succeeded: the services move to the new images; after
 * a first deploy they also get their instance counts (`requested`, else the defaults). On later
 * deploys the counts are not passed, so CloudFormation leaves what autoscaling set.
 */
export function servicesRolloutPhase(
  context: DeployContext,
  firstDeploy: boolean,
  requested: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const base = { ...findStack('services').parameters(context), JobsImageTag: '' };
  if (!firstDeploy) return base;
  const counts = Object.entries(DEFAULT_DESIRED_COUNTS).map(([key, value]) => [key, requested[key] ?? String(value)]);
  return { ...base, ...Object.fromEntries(counts) };
}

/** The ECS services, as named in the services stack (a scaling experiment sets their counts). */
export const HTTP_SERVICES = ['gateway', 'product-service', 'order-service'] as const;
export const WORKER_SERVICE = 'order-worker';

export const K6_SCENARIOS = ['smoke', 'compare', 'capacity', 'spike', 'soak'] as const;
export type K6Scenario = (typeof K6_SCENARIOS)[number];
/** The k6 suite's entry point (plain-JS k6; SCENARIO and BASE_URL from the environment). */
export const K6_SUITE_DIR = 'performance-tests/k6';
export const K6_ENTRY_POINT = 'run.js';
