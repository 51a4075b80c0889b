/**
 * infrastructure/mysql/mysql.sh and infrastructure/kafka/kafka.sh, the one way MySQL and Kafka
 * are started and stopped, and the environment they are run with.
 */
import path from 'node:path';
import { configSchema as orderSchema } from '@ecom/order-service/config';
import { configSchema as productSchema } from '@ecom/product-service/config';
import { runCommand } from '../commands/command-runner';
import { toEnv } from '../env/schema-env';
import { serviceDatabaseAccounts } from '../env/service-configs';
import { REPOSITORY_ROOT } from '../repository-root';
import { parseScriptOutcome, type ScriptOutcome } from './script-outcome';

export type Component = 'mysql' | 'kafka';

/** A MySQL server and a Kafka broker of their own: a data dir and ports other than the shared ones. */
export interface IsolatedInfrastructure {
  readonly dataDir: string;
  readonly ports: { readonly mysql: number; readonly kafka: number; readonly kafkaController: number };
}

/** The scripts' own variables (see their usage lines); MYSQL_* and the accounts are the services'. */
interface ScriptVariables {
  readonly ECOM_DATA_DIR: string;
  readonly KAFKA_PORT: string;
  readonly KAFKA_CONTROLLER_PORT: string;
}

const SCRIPTS: Readonly<Record<Component, string>> = {
  mysql: path.join(REPOSITORY_ROOT, 'infrastructure/mysql/mysql.sh'),
  kafka: path.join(REPOSITORY_ROOT, 'infrastructure/kafka/kafka.sh'),
};

/**
 * The caller's environment, plus the services' database accounts as their schemas read them (so
 * mysql.sh provisions the accounts the services will log in with) and, for an isolated pair, its
 * data dir and ports (and no KAFKA_BROKERS, which would name the shared broker as "external").
 */
export function scriptEnvironment(isolated?: IsolatedInfrastructure): NodeJS.ProcessEnv {
  const { product, order } = serviceDatabaseAccounts();
  const accounts = {
    ...toEnv(productSchema, { PRODUCT_DB_USER: product.user, PRODUCT_DB_PASSWORD: product.password }),
    ...toEnv(orderSchema, { ORDER_DB_USER: order.user, ORDER_DB_PASSWORD: order.password }),
  };
  if (!isolated) return { ...process.env, ...accounts };
  const { KAFKA_BROKERS: _sharedBrokers, ...inherited } = process.env;
  const own: ScriptVariables = {
    ECOM_DATA_DIR: isolated.dataDir,
    KAFKA_PORT: String(isolated.ports.kafka),
    KAFKA_CONTROLLER_PORT: String(isolated.ports.kafkaController),
  };
  // MYSQL_PORT only: MYSQL_HOST would also steer mysql.sh's own client (it reads that variable) to TCP.
  const mysql = toEnv(productSchema, { MYSQL_PORT: isolated.ports.mysql });
  return { ...inherited, ...accounts, ...mysql, ...own };
}

/** `<script> start`: its answer. Progress (stderr) shown on ours when asked, else kept for the error. */
export async function startWithScript(
  component: Component,
  env: NodeJS.ProcessEnv,
  show: boolean,
): Promise<ScriptOutcome> {
  const stdout = await runCommand('bash', [SCRIPTS[component], 'start'], { env, show: show ? 'stderr' : 'nothing' });
  return parseScriptOutcome(stdout);
}

export async function stopWithScript(component: Component, env: NodeJS.ProcessEnv, show: boolean): Promise<void> {
  await runCommand('bash', [SCRIPTS[component], 'stop'], { env, show: show ? 'stderr' : 'nothing' });
}
