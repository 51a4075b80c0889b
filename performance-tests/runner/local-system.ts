/**
 * The system a perf run measures, started by the runner on free ports so it never clashes with
 * `npm start`: MySQL and Kafka through the project's scripts (reused when running), databases
 * `product_db_perf` / `order_db_perf` and `perf.*` topics recreated for each run, the four
 * processes built from this checkout (production settings), and the HTTP ceilings (a no-op 202
 * server, hit directly and through a second gateway). Everything started is stopped by pid.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  createDatabase,
  createKafka,
  createLogger,
  createTopicsWithLeaders,
  type DatabaseSettings,
} from '@ecom/service-kit';
import { freePort, runCommand, startProcess, waitUntilReady, type ManagedProcess } from './processes';

export const ROOT = path.resolve(__dirname, '../..');
/** The topics of perf runs; other systems swap the `perf.` prefix for their own. */
const TOPICS = {
  products: 'perf.product-events',
  orders: 'perf.order-events',
  requests: 'perf.order-requests',
  dlq: 'perf.order-requests.dlq',
  /** Written only by Kafka's ProducerPerformance (the broker ceiling). */
  producerCeiling: 'perf.producer-ceiling',
};
const WORKER_GROUP = 'perf-order-worker';

export interface ServiceEndpoint {
  readonly name: string;
  readonly url: string;
  readonly process: ManagedProcess;
}

export type SystemProcessName = 'product-service' | 'order-service' | 'order-worker' | 'gateway';

export interface LocalSystem {
  readonly gatewayUrl: string;
  readonly productServiceUrl: string;
  readonly orderServiceUrl: string;
  readonly noopGatewayUrl: string;
  readonly bareHttpUrl: string;
  readonly brokers: readonly string[];
  readonly databases: { readonly product: DatabaseSettings; readonly order: DatabaseSettings };
  readonly workerGroup: string;
  /** The measured processes, for memory sampling and profiles. */
  readonly services: readonly ServiceEndpoint[];
  /** The topics this system's processes use. */
  readonly topics: Readonly<Record<keyof typeof TOPICS, string>>;
  restartWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  /** Stops one process (if it still runs) and starts it again on the same port; resolves once ready. */
  restartService(name: SystemProcessName): Promise<ServiceEndpoint>;
  stop(): Promise<void>;
}

export interface LocalSystemOptions {
  readonly dir: string;
  readonly say: (line: string) => void;
  /** Drop the databases and topics again on stop (tests); perf runs keep them for inspection. */
  readonly dropOnStop?: boolean;
  /** Runs this service under another command (e.g. clinic), given the node arguments. */
  readonly wrap?: {
    readonly service: string;
    readonly wrap: (nodeArgs: string[]) => [string, string[]];
    /** How to stop the wrapped process so it writes its output (clinic: SIGINT). */
    readonly stopSignal: NodeJS.Signals;
  };
  /**
   * Databases, topic prefix and consumer group of this system (default: `product_db_perf`,
   * `order_db_perf`, `perf.*`, `perf-order-worker`). Tests pass names of their own
   * (`<service>_db_test_<random>`, the only other names the service accounts may create).
   */
  readonly names?: {
    readonly productDb: string;
    readonly orderDb: string;
    readonly topicPrefix: string;
    readonly workerGroup: string;
  };
  /** `tsc -b` before starting (default true); false when the caller knows `dist/` is current (npm test builds first). */
  readonly build?: boolean;
  /** Start MySQL and Kafka through the project's scripts when they are not up (default true). */
  readonly startInfrastructure?: boolean;
  /** Also start the no-op upstream and its gateway, the HTTP ceilings of perf runs (default true). */
  readonly ceilings?: boolean;
  /** Another MySQL server or Kafka cluster than MYSQL_HOST/MYSQL_PORT and KAFKA_BROKERS name. */
  readonly mysql?: { readonly host: string; readonly port: number };
  readonly brokers?: readonly string[];
  /** Extra environment of one process (applied over the defaults), given every process's port. */
  readonly envFor?: (name: SystemProcessName, ports: Readonly<Record<string, number>>) => NodeJS.ProcessEnv;
}

const defaultBrokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const defaultMysql = {
  host: process.env['MYSQL_HOST'] ?? '127.0.0.1',
  port: Number(process.env['MYSQL_PORT'] ?? 3306),
};
const PERF_NAMES = {
  productDb: 'product_db_perf',
  orderDb: 'order_db_perf',
  topicPrefix: 'perf',
  workerGroup: WORKER_GROUP,
};
type Topics = Readonly<Record<keyof typeof TOPICS, string>>;
const topicsWithPrefix = (prefix: string): Topics =>
  Object.fromEntries(
    Object.entries(TOPICS).map(([key, topic]) => [key, topic.replace(/^perf\./, `${prefix}.`)]),
  ) as Topics;
const account = (service: 'product' | 'order', database: string, mysql = defaultMysql): DatabaseSettings => ({
  host: mysql.host,
  port: mysql.port,
  user: process.env[`${service.toUpperCase()}_DB_USER`] ?? `${service}_service`,
  password: process.env[`${service.toUpperCase()}_DB_PASSWORD`] ?? `${service}_service_local`,
  database,
  poolMax: 10,
});

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { dir, say } = options;
  const names = options.names ?? PERF_NAMES;
  const brokers = [...(options.brokers ?? defaultBrokers)];
  const mysql = options.mysql ?? defaultMysql;
  const topics = topicsWithPrefix(names.topicPrefix);
  mkdirSync(`${dir}/logs`, { recursive: true });
  const started: ManagedProcess[] = [];
  const infrastructure = options.startInfrastructure === false ? NOTHING_STARTED : await startInfrastructure(say);
  /** Every process started, newest first, then whatever `cleanUp` removes, then the infrastructure. */
  const stopAll = async (cleanUp?: () => Promise<void>) => {
    for (const child of [...started].reverse()) await child.stop();
    if (cleanUp) await cleanUp();
    await stopInfrastructure(infrastructure);
  };
  let stopping: Promise<void> | undefined;
  try {
    say(
      `${options.build === false ? '' : 'building (tsc -b), '}recreating the databases and topics (${names.productDb}, ${names.orderDb}, ${names.topicPrefix}.*)`,
    );
    if (options.build !== false)
      await runCommand(`${ROOT}/node_modules/.bin/tsc`, ['-b', `${ROOT}/tsconfig.build.json`]);
    const databases = {
      product: account('product', names.productDb, mysql),
      order: account('order', names.orderDb, mysql),
    };
    await Promise.all([
      recreateDatabase(databases.product),
      recreateDatabase(databases.order),
      recreateTopics(brokers, topics),
    ]);
    const ports = {
      gateway: await freePort(),
      product: await freePort(),
      order: await freePort(),
      worker: await freePort(),
      noop: await freePort(),
      noopGateway: await freePort(),
    };
    const env = systemEnv(ports, { names, brokers, mysql, topics });
    await runCommand(process.execPath, [`${ROOT}/services/product-service/dist/migrate.js`], env);
    await runCommand(process.execPath, [`${ROOT}/services/order-service/dist/migrate.js`], env);
    const launch = async (
      name: string,
      dir_: string,
      entry: string,
      port: number,
      extraEnv: NodeJS.ProcessEnv = {},
    ) => {
      const [command, args] = commandFor(name, [entry], options.wrap);
      const stopSignal = options.wrap?.service === name ? options.wrap.stopSignal : 'SIGTERM';
      const ownEnv = options.envFor?.(name as SystemProcessName, ports) ?? {};
      const child = startProcess(name, command, args, {
        cwd: `${ROOT}/${dir_}`,
        env: { ...env, ...extraEnv, ...ownEnv },
        logFile: `${dir}/logs/${name}.log`,
        stopSignal,
      });
      started.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitUntilReady(`${url}/ready`, child);
      return { name, url, process: child };
    };
    const product = await launch('product-service', 'services/product-service', 'dist/main.js', ports.product);
    const order = await launch('order-service', 'services/order-service', 'dist/main.js', ports.order);
    let worker = await launch('order-worker', 'services/order-service', 'dist/worker.js', ports.worker);
    const gateway = await launch('gateway', 'gateway', 'dist/main.js', ports.gateway);
    let noopUrls = { noop: '', noopGateway: '' };
    if (options.ceilings !== false) {
      const noop = await launch('noop-202', '.', `${ROOT}/node_modules/.bin/tsx`, ports.noop, {
        PORT: String(ports.noop),
      });
      const noopGateway = await launch('noop-gateway', 'gateway', 'dist/main.js', ports.noopGateway, {
        GATEWAY_PORT: String(ports.noopGateway),
        ORDER_SERVICE_URLS: noop.url,
      });
      noopUrls = { noop: noop.url, noopGateway: noopGateway.url };
    }
    say(
      `system up: gateway ${gateway.url}, order-service ${order.url}, no-op gateway ${noopUrls.noopGateway || '-'}, bare ${noopUrls.noop || '-'}`,
    );
    const services = [product, order, worker, gateway];
    const places: Record<SystemProcessName, [string, string, number]> = {
      'product-service': ['services/product-service', 'dist/main.js', ports.product],
      'order-service': ['services/order-service', 'dist/main.js', ports.order],
      'order-worker': ['services/order-service', 'dist/worker.js', ports.worker],
      gateway: ['gateway', 'dist/main.js', ports.gateway],
    };
    const restartService = async (name: SystemProcessName) => {
      const index = services.findIndex((service) => service.name === name);
      await services[index]!.process.stop();
      const [where, entry, port] = places[name];
      services[index] = await launch(name, where, entry, port);
      if (name === 'order-worker') worker = services[index]!;
      return services[index]!;
    };
    return {
      gatewayUrl: gateway.url,
      productServiceUrl: product.url,
      orderServiceUrl: order.url,
      noopGatewayUrl: noopUrls.noopGateway,
      bareHttpUrl: noopUrls.noop,
      brokers,
      databases,
      topics,
      workerGroup: names.workerGroup,
      restartService,
      get services() {
        return services;
      },
      stopWorker: () => worker.process.stop(),
      restartWorker: async () => {
        await worker.process.stop();
        worker = await launch('order-worker', 'services/order-service', 'dist/worker.js', ports.worker);
        services[2] = worker;
      },
      // Once, however often it is asked (the CLI's finally, Ctrl-C, a profile run): newest first.
      stop: () => (stopping ??= stopAll(options.dropOnStop ? () => dropAll(databases, brokers, topics) : undefined)),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The noop server is a TypeScript file run through tsx; everything else is compiled JS. */
function commandFor(name: string, args: string[], wrap: LocalSystemOptions['wrap']): [string, string[]] {
  if (name === 'noop-202') return [args[0]!, [`${ROOT}/performance-tests/runner/noop-upstream.process.ts`]];
  if (wrap?.service === name) return wrap.wrap(args);
  return [process.execPath, args];
}

interface SystemSettings {
  readonly names: typeof PERF_NAMES;
  readonly brokers: readonly string[];
  readonly mysql: { readonly host: string; readonly port: number };
  readonly topics: Topics;
}

function systemEnv(
  ports: Record<string, number>,
  { names, brokers, mysql, topics }: SystemSettings,
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env['PERF_LOG_LEVEL'] ?? 'info',
    KAFKA_BROKERS: brokers.join(','),
    MYSQL_HOST: mysql.host,
    MYSQL_PORT: String(mysql.port),
    GATEWAY_HOST: '127.0.0.1',
    PRODUCT_SERVICE_HOST: '127.0.0.1',
    ORDER_SERVICE_HOST: '127.0.0.1',
    GATEWAY_PORT: String(ports['gateway']),
    PRODUCT_SERVICE_PORT: String(ports['product']),
    ORDER_SERVICE_PORT: String(ports['order']),
    ORDER_WORKER_PORT: String(ports['worker']),
    PRODUCT_SERVICE_URLS: `http://127.0.0.1:${ports['product']}`,
    ORDER_SERVICE_URLS: `http://127.0.0.1:${ports['order']}`,
    PRODUCT_DB_NAME: names.productDb,
    ORDER_DB_NAME: names.orderDb,
    PRODUCT_EVENTS_TOPIC: topics.products,
    ORDER_EVENTS_TOPIC: topics.orders,
    ORDER_REQUESTS_TOPIC: topics.requests,
    ORDER_REQUESTS_DLQ_TOPIC: topics.dlq,
    ORDER_WORKER_GROUP: names.workerGroup,
    // Load comes from one address; the per-client limit would measure the limiter, not the system.
    RATE_LIMIT_ENABLED: 'false',
  };
}

type Outcomes = Record<'mysql' | 'kafka', string>;
const NOTHING_STARTED: Outcomes = { mysql: 'not managed', kafka: 'not managed' };

async function startInfrastructure(say: (line: string) => void): Promise<Outcomes> {
  const start = async (name: 'mysql' | 'kafka') =>
    (await runCommand('bash', [`${ROOT}/infrastructure/${name}/${name}.sh`, 'start'])).trim().split('\n').pop()!;
  const [mysql, kafka] = await Promise.all([start('mysql'), start('kafka')]);
  say(`mysql: ${mysql}, kafka: ${kafka}`);
  return { mysql, kafka };
}

async function stopInfrastructure(outcomes: Outcomes): Promise<void> {
  for (const name of ['kafka', 'mysql'] as const) {
    if (outcomes[name] === 'started') await runCommand('bash', [`${ROOT}/infrastructure/${name}/${name}.sh`, 'stop']);
  }
}

async function recreateDatabase(settings: DatabaseSettings): Promise<void> {
  const admin = createDatabase({ ...settings, database: '', poolMax: 1 });
  try {
    await admin.raw('DROP DATABASE IF EXISTS ??', [settings.database]);
    await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [settings.database]);
  } finally {
    await admin.destroy();
  }
}

function kafkaAdmin(brokers: string[]) {
  return createKafka({
    clientId: 'perf-runner',
    brokers,
    logger: createLogger({ service: 'perf', level: 'warn' }),
  }).admin();
}

async function dropAll(databases: LocalSystem['databases'], brokers: string[], topics: Topics): Promise<void> {
  for (const settings of [databases.product, databases.order]) {
    const db = createDatabase({ ...settings, database: '', poolMax: 1 });
    await db.raw('DROP DATABASE IF EXISTS ??', [settings.database]).finally(() => db.destroy());
  }
  const admin = kafkaAdmin(brokers);
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin.disconnect();
}

async function recreateTopics(brokers: string[], topics: Topics): Promise<void> {
  const admin = kafkaAdmin(brokers);
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ours = Object.values(topics).filter((topic) => existing.has(topic));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 30_000 });
    await waitForTopicsGone(admin, ours);
    const partitions: Record<string, number> = { [topics.requests]: 6, [topics.dlq]: 1, [topics.producerCeiling]: 6 };
    // Right after a deletion the broker may still refuse the names for a moment: try again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await createTopicsWithLeaders(
          admin,
          Object.values(topics).map((topic) => ({
            topic,
            numPartitions: partitions[topic] ?? 3,
            replicationFactor: 1,
          })),
        );
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

async function waitForTopicsGone(admin: { listTopics(): Promise<string[]> }, topics: string[]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const existing = new Set(await admin.listTopics());
    if (!topics.some((topic) => existing.has(topic))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
