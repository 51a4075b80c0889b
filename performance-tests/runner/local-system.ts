/**
 * The system a perf run measures: a copy started by @ecom/system-launcher on free ports, so it
 * never clashes with `npm start` (databases `product_db_perf` / `order_db_perf`, `perf.*` topics
 * and consumer group `perf-order-worker`, recreated for each run; production settings), on MySQL
 * and Kafka started through the project's scripts when they are not up, plus the HTTP ceilings: a
 * no-op 202 server, hit directly and through a second gateway. Everything started is stopped by pid.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { TOPICS, type TopicSpec } from '@ecom/service-kit/kafka';
import {
  REPOSITORY_ROOT,
  createInfrastructure,
  deleteTopics,
  freePort,
  recreateTopics,
  runCommand,
  startManagedProcess,
  startSystem,
  waitUntilReady,
  type CopyNames,
  type Infrastructure,
  type LaunchedSystem,
  type ManagedProcess,
  type MysqlAddress,
  type ProcessName,
  type ProcessWrap,
  type RunningProcess,
} from '@ecom/system-launcher';

export const ROOT = REPOSITORY_ROOT;
export type SystemProcessName = ProcessName;
export type ServiceEndpoint = RunningProcess;

/** The topics of this system, by their perf-runner names. */
export interface LocalTopics {
  readonly products: string;
  readonly orders: string;
  readonly requests: string;
  readonly dlq: string;
  /** Written only by Kafka's ProducerPerformance (the broker ceiling). */
  readonly producerCeiling: string;
}

export interface LocalSystem extends Omit<LaunchedSystem, 'topics'> {
  readonly noopGatewayUrl: string;
  readonly bareHttpUrl: string;
  readonly topics: LocalTopics;
  stopWorker(): Promise<void>;
  restartWorker(): Promise<void>;
}

export interface LocalSystemOptions {
  readonly dir: string;
  readonly say: (line: string) => void;
  /** Drop the databases and topics again on stop (tests); perf runs keep them for inspection. */
  readonly dropOnStop?: boolean;
  /** Runs one process under another command (e.g. clinic), given the node arguments. */
  readonly wrap?: ProcessWrap;
  /** Default: `product_db_perf`, `order_db_perf`, `perf.*`, `perf-order-worker`. Tests pass their own. */
  readonly names?: CopyNames;
  /** `tsc -b` before starting (default true); false when the caller knows `dist/` is current. */
  readonly build?: boolean;
  /** Start MySQL and Kafka through the project's scripts when they are not up (default true). */
  readonly startInfrastructure?: boolean;
  /** Also start the no-op upstream and its gateway, the HTTP ceilings of perf runs (default true). */
  readonly ceilings?: boolean;
  /** Another MySQL server or Kafka cluster than the environment names. */
  readonly mysql?: MysqlAddress;
  readonly brokers?: readonly string[];
}

const PERF_NAMES: CopyNames = {
  productDb: 'product_db_perf',
  orderDb: 'order_db_perf',
  topicPrefix: 'perf',
  workerGroup: 'perf-order-worker',
};

/** As many partitions as the order requests, whose produce rate it bounds. */
const producerCeilingTopic = (prefix: string): TopicSpec => ({
  name: `${prefix}.producer-ceiling`,
  partitions: TOPICS.orderRequests.partitions,
  description: "written only by Kafka's ProducerPerformance (the broker ceiling)",
});

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { dir, say } = options;
  const names = options.names ?? PERF_NAMES;
  mkdirSync(`${dir}/logs`, { recursive: true });
  const infrastructure = options.startInfrastructure === false ? undefined : createInfrastructure({ say });
  try {
    await infrastructure?.start();
    if (options.build !== false) {
      say('building (tsc -b)');
      await runCommand(`${ROOT}/node_modules/.bin/tsc`, ['-b', `${ROOT}/tsconfig.build.json`]);
    }
    const system = await startSystem({
      copy: { ...names, dropOnStop: options.dropOnStop },
      say,
      logDir: `${dir}/logs`,
      mysql: options.mysql,
      brokers: options.brokers,
      logLevel: process.env['PERF_LOG_LEVEL'] ?? 'info',
      // Load comes from one address; the per-client limit would measure the limiter, not the system.
      rateLimit: false,
      wrap: options.wrap,
    });
    const ceilings = options.ceilings === false ? undefined : await startCeilings(system, names, dir);
    say(
      `system up: gateway ${system.gatewayUrl}, order-service ${system.orderServiceUrl}, no-op gateway ${ceilings?.noopGatewayUrl ?? '-'}, bare ${ceilings?.bareHttpUrl ?? '-'}`,
    );
    return localSystem(system, { names, ceilings, infrastructure, dropOnStop: options.dropOnStop === true });
  } catch (error) {
    await infrastructure?.stop();
    throw error;
  }
}

interface Ceilings {
  readonly noop: ManagedProcess;
  readonly bareHttpUrl: string;
  readonly noopGatewayUrl: string;
}

/** The no-op 202 server (`bare-http`), a second gateway in front of it (`noop-202`), the broker ceiling's topic. */
async function startCeilings(system: LaunchedSystem, names: CopyNames, dir: string): Promise<Ceilings> {
  const port = await freePort();
  const noop = startManagedProcess({
    name: 'noop-202',
    command: `${ROOT}/node_modules/.bin/tsx`,
    args: [path.join(ROOT, 'performance-tests/runner/noop-upstream.process.ts')],
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    logFile: `${dir}/logs/noop-202.log`,
  });
  const bareHttpUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(`${bareHttpUrl}/ready`, noop);
    const gateway = await system.startAnother('gateway', 'noop-gateway', () => ({ ORDER_SERVICE_URLS: [bareHttpUrl] }));
    await recreateTopics(system.brokers, [producerCeilingTopic(names.topicPrefix)]);
    return { noop, bareHttpUrl, noopGatewayUrl: gateway.url };
  } catch (error) {
    await noop.stop();
    await system.stop();
    throw error;
  }
}

interface LocalParts {
  readonly names: CopyNames;
  readonly ceilings: Ceilings | undefined;
  readonly infrastructure: Infrastructure | undefined;
  readonly dropOnStop: boolean;
}

function localSystem(system: LaunchedSystem, { names, ceilings, infrastructure, dropOnStop }: LocalParts): LocalSystem {
  const { topics } = system;
  const producerCeiling = producerCeilingTopic(names.topicPrefix).name;
  const stopAll = async () => {
    await ceilings?.noop.stop();
    await system.stop();
    if (ceilings && dropOnStop) await deleteTopics(system.brokers, [producerCeiling]);
    await infrastructure?.stop();
  };
  let stopping: Promise<void> | undefined;
  return {
    ...system,
    topics: {
      products: topics.productEvents,
      orders: topics.orderEvents,
      requests: topics.orderRequests,
      dlq: topics.orderRequestsDeadLetter,
      producerCeiling,
    },
    noopGatewayUrl: ceilings?.noopGatewayUrl ?? '',
    bareHttpUrl: ceilings?.bareHttpUrl ?? '',
    stopWorker: () => system.stopService('order-worker'),
    restartWorker: async () => void (await system.restartService('order-worker')),
    // Once, however often it is asked (the CLI's finally, Ctrl-C, a profile run).
    stop: () => (stopping ??= stopAll()),
  };
}
