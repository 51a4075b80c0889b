/**
 * Each process's environment, built from its service's config schema: every name below is a key
 * of that schema (`toEnv` and `EnvValuesOf`), so the launcher cannot set a variable no service
 * declares. Values left undefined fall back to the caller's environment, then the schema's default.
 */
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '@ecom/auth';
import { configSchema as gatewaySchema } from '@ecom/gateway/config';
import { configSchema as orderSchema } from '@ecom/order-service/config';
import { configSchema as productSchema } from '@ecom/product-service/config';
import { TOPICS, type TopicSpec } from '@ecom/service-kit/kafka';
import type { GatewayAuth } from '../auth/gateway-auth';
import { localUrl, type ProcessName, type SystemPorts } from '../processes/process-catalog';
import { toEnv, type EnvValuesOf } from './schema-env';

/** The config schema of each process (the order worker reads the order service's). */
export const PROCESS_SCHEMAS = {
  'product-service': productSchema,
  'order-service': orderSchema,
  'order-worker': orderSchema,
  gateway: gatewaySchema,
} as const;
export type ProcessEnvValues<N extends ProcessName> = EnvValuesOf<(typeof PROCESS_SCHEMAS)[N]>;

/** Variables of a process set over the launcher's, given every process's port. */
export type EnvOverrides = { readonly [N in ProcessName]?: (ports: SystemPorts) => ProcessEnvValues<N> };

/** The names of a copy of the system beside `npm start`'s (a benchmark's, a test's). */
export interface CopyNames {
  readonly productDb: string;
  readonly orderDb: string;
  /** The topics are `<topicPrefix>.<name>` for every topic of ALL_TOPICS. */
  readonly topicPrefix: string;
  readonly workerGroup: string;
}

export interface MysqlAddress {
  readonly host: string;
  readonly port: number;
}

export interface SystemPlan {
  readonly ports: SystemPorts;
  readonly copy?: CopyNames;
  /** Where the processes listen (copies: 127.0.0.1); default: the services' own. */
  readonly bindHost?: string;
  /**
   * Where the product and order services listen when `bindHost` is unset (npm start: 127.0.0.1,
   * unless PRODUCT_SERVICE_HOST / ORDER_SERVICE_HOST say otherwise): only the gateway is public, and
   * the order service trusts a request without identity headers as coming from inside.
   */
  readonly servicesHost?: string;
  readonly brokers?: readonly string[];
  readonly mysql?: MysqlAddress;
  readonly logLevel?: string;
  readonly rateLimit?: boolean;
  /** The gateway's authentication (auth/gateway-auth.ts); unset: the caller's AUTH_* variables. */
  readonly auth?: GatewayAuth;
}

/** A topic of ALL_TOPICS under a copy's prefix, or (no prefix) as declared. */
export function prefixedTopic(topic: TopicSpec, prefix: string | undefined): string {
  return prefix === undefined ? topic.name : `${prefix}.${topic.name}`;
}

/** A copy's topic name; undefined for `npm start`'s system, which uses the schemas' defaults. */
const copyTopic = (plan: SystemPlan, topic: TopicSpec) => plan.copy && prefixedTopic(topic, plan.copy.topicPrefix);

/**
 * Where a process finds another: `npm start` keeps an address the caller set (another instance,
 * replicas behind the gateway); a copy always uses its own processes.
 */
function servicesHost(plan: SystemPlan, variable: string): string | undefined {
  return plan.bindHost ?? (process.env[variable] ? undefined : plan.servicesHost);
}

function serviceUrls(plan: SystemPlan, variable: string, port: number): readonly string[] | undefined {
  return !plan.copy && process.env[variable] ? undefined : [localUrl(port)];
}

/** What both services read alike: where MySQL and Kafka are, and how much to log. */
function infrastructureValues(
  plan: SystemPlan,
): ProcessEnvValues<'product-service'> & ProcessEnvValues<'order-service'> {
  return {
    LOG_LEVEL: plan.logLevel,
    KAFKA_BROKERS: plan.brokers,
    MYSQL_HOST: plan.mysql?.host,
    MYSQL_PORT: plan.mysql?.port,
  };
}

function productServiceValues(plan: SystemPlan): ProcessEnvValues<'product-service'> {
  return {
    ...infrastructureValues(plan),
    PRODUCT_SERVICE_PORT: plan.ports['product-service'],
    PRODUCT_SERVICE_HOST: servicesHost(plan, 'PRODUCT_SERVICE_HOST'),
    PRODUCT_DB_NAME: plan.copy?.productDb,
    PRODUCT_EVENTS_TOPIC: copyTopic(plan, TOPICS.productEvents),
  };
}

function orderServiceValues(plan: SystemPlan): ProcessEnvValues<'order-service'> {
  return {
    ...infrastructureValues(plan),
    ORDER_SERVICE_PORT: plan.ports['order-service'],
    ORDER_WORKER_PORT: plan.ports['order-worker'],
    ORDER_SERVICE_HOST: servicesHost(plan, 'ORDER_SERVICE_HOST'),
    ORDER_DB_NAME: plan.copy?.orderDb,
    PRODUCT_SERVICE_URLS: serviceUrls(plan, 'PRODUCT_SERVICE_URLS', plan.ports['product-service']),
    ORDER_EVENTS_TOPIC: copyTopic(plan, TOPICS.orderEvents),
    ORDER_REQUESTS_TOPIC: copyTopic(plan, TOPICS.orderRequests),
    ORDER_REQUESTS_DLQ_TOPIC: copyTopic(plan, TOPICS.orderRequestsDeadLetter),
    ORDER_WORKER_GROUP: plan.copy?.workerGroup,
  };
}

function gatewayValues(plan: SystemPlan): ProcessEnvValues<'gateway'> {
  return {
    GATEWAY_PORT: plan.ports.gateway,
    GATEWAY_HOST: plan.bindHost,
    LOG_LEVEL: plan.logLevel,
    PRODUCT_SERVICE_URLS: serviceUrls(plan, 'PRODUCT_SERVICE_URLS', plan.ports['product-service']),
    ORDER_SERVICE_URLS: serviceUrls(plan, 'ORDER_SERVICE_URLS', plan.ports['order-service']),
    RATE_LIMIT_ENABLED: plan.rateLimit,
    ...gatewayAuthValues(plan),
  };
}

/**
 * The launcher's secret replaces any key source of the caller's environment (an empty variable is
 * unset); a copy also uses the default issuer and audience, which its tokens carry (signToken).
 */
function gatewayAuthValues({ auth, copy }: SystemPlan): ProcessEnvValues<'gateway'> {
  if (auth === undefined || auth.mode === 'environment') return {};
  if (auth.mode === 'off') return { AUTH_ENABLED: false };
  return {
    AUTH_ENABLED: true,
    AUTH_HS256_SECRET: auth.secret,
    AUTH_RS256_PUBLIC_KEY: '',
    AUTH_JWKS_URL: '',
    ...(copy && { AUTH_ISSUER: DEFAULT_ISSUER, AUTH_AUDIENCE: DEFAULT_AUDIENCE }),
  };
}

/**
 * Every process's environment: the caller's, then NODE_ENV (Node's convention, read by Express and
 * Koa, not a setting of ours: `production` for copies, the caller's or `production` for npm
 * start), then what the plan decides, then `overrides`.
 */
export function buildProcessEnvs(
  plan: SystemPlan,
  overrides: EnvOverrides = {},
): Record<ProcessName, NodeJS.ProcessEnv> {
  const base = { ...process.env, NODE_ENV: plan.copy ? 'production' : (process.env['NODE_ENV'] ?? 'production') };
  const ports = plan.ports;
  const order = orderServiceValues(plan);
  return {
    'product-service': {
      ...base,
      ...toEnv(productSchema, { ...productServiceValues(plan), ...overrides['product-service']?.(ports) }),
    },
    'order-service': { ...base, ...toEnv(orderSchema, { ...order, ...overrides['order-service']?.(ports) }) },
    'order-worker': { ...base, ...toEnv(orderSchema, { ...order, ...overrides['order-worker']?.(ports) }) },
    gateway: { ...base, ...toEnv(gatewaySchema, { ...gatewayValues(plan), ...overrides.gateway?.(ports) }) },
  };
}
