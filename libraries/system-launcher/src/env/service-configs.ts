/**
 * What the services read from an environment, through their own `loadConfig`: so the launcher's
 * ports, databases, accounts and topics are the ones the processes will use, with the same
 * defaults, and a bad variable fails here, before anything starts.
 */
import { loadConfig as loadGatewayConfig } from '@ecom/gateway/config';
import { loadConfig as loadOrderConfig } from '@ecom/order-service/config';
import { loadConfig as loadProductConfig } from '@ecom/product-service/config';
import type { DatabaseSettings } from '@ecom/service-kit/db';
import { TOPICS } from '@ecom/service-kit/kafka';
import type { ProcessName, SystemPorts } from '../processes/process-catalog';

export type TopicKey = keyof typeof TOPICS;
export type SystemTopics = Readonly<Record<TopicKey, string>>;

export interface SystemSettings {
  readonly brokers: readonly string[];
  readonly databases: { readonly product: DatabaseSettings; readonly order: DatabaseSettings };
  readonly topics: SystemTopics;
  readonly workerGroup: string;
}

/** The port each process reads from `env`: the variable when set, else its schema's default. */
export function configuredPorts(env: NodeJS.ProcessEnv = process.env): SystemPorts {
  const order = loadOrderConfig(env);
  return {
    'product-service': loadProductConfig(env).port,
    'order-service': order.port,
    'order-worker': order.workerPort,
    // Only its port: the gateway's key is the launcher's to choose (auth/gateway-auth.ts).
    gateway: loadGatewayConfig({ ...env, AUTH_ENABLED: 'false' }).port,
  };
}

/** Reads every process's environment with its own schema, and what the system's data is called. */
export function readSystemSettings(envs: Readonly<Record<ProcessName, NodeJS.ProcessEnv>>): SystemSettings {
  const product = loadProductConfig(envs['product-service']);
  const order = loadOrderConfig(envs['order-service']);
  loadOrderConfig(envs['order-worker']);
  loadGatewayConfig(envs.gateway);
  return {
    brokers: product.kafka.brokers,
    databases: { product: { ...product.database }, order: { ...order.database } },
    topics: {
      productEvents: product.topicNames[TOPICS.productEvents.name],
      orderEvents: order.topics.orderEvents,
      orderRequests: order.topics.orderRequests,
      orderRequestsDeadLetter: order.topics.deadLetters,
    },
    workerGroup: order.worker.group,
  };
}

/** The services' database accounts as they read them from `env` (their defaults when unset). */
export function serviceDatabaseAccounts(env: NodeJS.ProcessEnv = process.env): SystemSettings['databases'] {
  return { product: { ...loadProductConfig(env).database }, order: { ...loadOrderConfig(env).database } };
}

/** Where the services look for MySQL and Kafka when `env` says nothing else. */
export function configuredInfrastructure(env: NodeJS.ProcessEnv = process.env) {
  const product = loadProductConfig(env);
  return { mysql: { host: product.database.host, port: product.database.port }, brokers: product.kafka.brokers };
}
