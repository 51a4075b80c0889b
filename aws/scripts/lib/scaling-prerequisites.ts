/**
 * What must hold before a scaling experiment starts anything, checked from the plan alone:
 *
 * - the worker never outnumbers the partitions of order-requests (a consumer beyond them idles, so
 *   the point would measure nothing);
 * - at the largest count every database pool fits the RDS instance's max_connections: when they do
 *   not, the extra tasks wait for, or fail to get, a connection, and the curve bends for that reason;
 * - the gateway's per-client rate limit is off (all the load comes from the NAT's one address).
 *
 * max_connections is RDS MySQL's default (the data stack sets no parameter group):
 * {DBInstanceClassMemory / 12582880}. DBInstanceClassMemory is the class's memory less what RDS
 * keeps for the OS and its own processes, which AWS does not publish per class: it is estimated as
 * CLASS_MEMORY_SHARE of the nominal memory, and RESERVED_CONNECTIONS are kept for an operator's
 * client and RDS's monitoring. `--db-max-connections` replaces the estimate with the real figure
 * (`SHOW VARIABLES LIKE 'max_connections'`).
 */
import { TOPICS } from '@ecom/service-kit/kafka';
import { loadConfig as loadOrderConfig } from '@ecom/order-service/config';
import { loadConfig as loadProductConfig } from '@ecom/product-service/config';
import { PrerequisiteError } from './aws-cli';
import { desiredCounts, type ExperimentSettings } from './scaling-plan';
import type { EcsServiceName } from './stacks';

export const ORDER_REQUESTS_PARTITIONS: number = TOPICS.orderRequests.partitions;

/**
 * Each process's database pool (PRODUCT_DB_POOL_MAX, ORDER_DB_POOL_MAX as the services' configs
 * default them; the task definitions set neither: aws/test/scaling-experiment-plan.test.ts keeps them equal).
 * The worker runs the order service's config; the gateway has no database.
 */
export const DB_POOLS: Readonly<Record<EcsServiceName, number>> = {
  gateway: 0,
  'product-service': loadProductConfig({}).database.poolMax,
  'order-service': loadOrderConfig({}).database.poolMax,
  'order-worker': loadOrderConfig({}).database.poolMax,
};

export const BYTES_PER_CONNECTION = 12_582_880;
export const CLASS_MEMORY_SHARE = 0.8;
export const RESERVED_CONNECTIONS = 5;

const BURSTABLE_GIB: Readonly<Record<string, number>> = {
  micro: 1,
  small: 2,
  medium: 4,
  large: 8,
  xlarge: 16,
  '2xlarge': 32,
};

/** Nominal memory of an RDS class: burstable (db.t*) by size, db.m* 4 GiB and db.r* 8 GiB per vCPU. */
export function instanceMemoryGiB(instanceClass: string): number | undefined {
  const match = /^db\.([a-z])[a-z0-9]*\.(\w+)$/.exec(instanceClass);
  if (!match) return undefined;
  const [, family, size = ''] = match;
  if (family === 't') return BURSTABLE_GIB[size];
  const perVcpu = family === 'm' ? 4 : family === 'r' ? 8 : undefined;
  const vcpus = size === 'large' ? 2 : /^(\d*)xlarge$/.test(size) ? 4 * Number(size.slice(0, -6) || 1) : undefined;
  return perVcpu === undefined || vcpus === undefined ? undefined : perVcpu * vcpus;
}

/** The estimated default max_connections of a class (see the header), or undefined for an unknown class. */
export function estimateMaxConnections(instanceClass: string): number | undefined {
  const gib = instanceMemoryGiB(instanceClass);
  return gib === undefined ? undefined : Math.floor((gib * 2 ** 30 * CLASS_MEMORY_SHARE) / BYTES_PER_CONNECTION);
}

/** What the deployed stacks say, as far as the checks need it. */
export interface DeployedFacts {
  /** The data stack's DbInstanceClass. */
  readonly instanceClass: string;
  /** `--db-max-connections`, when given: used instead of the estimate. */
  readonly maxConnections?: number;
  /** The services stack's GatewayRateLimitEnabled is not 'false': every request comes from the NAT's one address. */
  readonly gatewayRateLimited: boolean;
}

/** Database connections at the experiment's largest count: per service, pool × tasks. */
export function connectionBudget(settings: Pick<ExperimentSettings, 'tier' | 'others' | 'instanceCounts'>): {
  readonly total: number;
  readonly parts: readonly string[];
} {
  const counts = desiredCounts(settings, Math.max(...settings.instanceCounts), ORDER_REQUESTS_PARTITIONS);
  const services = (Object.keys(counts) as EcsServiceName[]).filter((service) => DB_POOLS[service] > 0);
  return {
    total: services.reduce((sum, service) => sum + counts[service] * DB_POOLS[service], 0),
    parts: services.map((service) => `${service} ${counts[service]} × ${DB_POOLS[service]}`),
  };
}

/** Every reason the experiment must not start, in words; empty when it may. */
export function scalingProblems(
  settings: Pick<ExperimentSettings, 'tier' | 'others' | 'instanceCounts'>,
  database: DeployedFacts,
): string[] {
  const problems: string[] = [];
  const largest = Math.max(...settings.instanceCounts);
  if (settings.tier === 'order-worker' && largest > ORDER_REQUESTS_PARTITIONS) {
    problems.push(
      `order-requests has ${ORDER_REQUESTS_PARTITIONS} partitions (TOPICS in libraries/service-kit/src/kafka/topics.ts, ` +
        `created by the kafka-topics task): ${largest} workers would leave ${largest - ORDER_REQUESTS_PARTITIONS} idle, ` +
        `so that point would measure nothing. Ask for at most ${ORDER_REQUESTS_PARTITIONS} workers, or add partitions first.`,
    );
  }
  if (database.gatewayRateLimited) {
    problems.push(
      "the gateway's per-client rate limit is on, and every request of the load test comes from the NAT " +
        "gateway's one address: the experiment would measure the limit. Redeploy with " +
        '--param services.GatewayRateLimitEnabled=false first.',
    );
  }
  const estimated = estimateMaxConnections(database.instanceClass);
  const limit = database.maxConnections ?? (estimated === undefined ? undefined : estimated - RESERVED_CONNECTIONS);
  const { total, parts } = connectionBudget(settings);
  if (limit === undefined) {
    problems.push(
      `the RDS instance class ${database.instanceClass} is not one whose memory the tool knows, so its ` +
        'max_connections cannot be estimated: pass --db-max-connections (SHOW VARIABLES LIKE "max_connections").',
    );
  } else if (total > limit) {
    const source =
      database.maxConnections === undefined
        ? `max_connections ≈ ${CLASS_MEMORY_SHARE} × ${instanceMemoryGiB(database.instanceClass)} GiB / ${BYTES_PER_CONNECTION} B = ${estimated}, less ${RESERVED_CONNECTIONS} kept free`
        : 'as given by --db-max-connections';
    problems.push(
      `the database pools at ${largest} instance(s) do not fit the RDS instance ${database.instanceClass}: ` +
        `${parts.join(' + ')} = ${total} connections, above the ${limit} it allows (${source}). ` +
        'Ask for fewer instances or a lower --others, or deploy a larger class (--param data.DbInstanceClass=…).',
    );
  }
  return problems;
}

/** Refuses, with every reason at once, an experiment that would measure its set-up instead of its tier. */
export function assertScalingPrerequisites(
  settings: Pick<ExperimentSettings, 'tier' | 'others' | 'instanceCounts'>,
  database: DeployedFacts,
): void {
  const problems = scalingProblems(settings, database);
  if (problems.length > 0) throw new PrerequisiteError(problems.map((problem) => `- ${problem}`).join('\n'));
}
