/**
 * The whole system, started one way for everyone: `npm start` (the system itself, on its
 * configured ports, seeded) and the copies of benchmarks and tests (databases, topics and consumer
 * group of their own, recreated, on free ports). MySQL and Kafka must be up (see
 * createInfrastructure); `dist/` must be current.
 */
import path from 'node:path';
import { runCommand } from '../commands/command-runner';
import { dropDatabase, recreateDatabase } from '../data/database-setup';
import { deleteTopics, ensureSystemTopics, recreateTopics, systemTopicSpecs } from '../data/topic-setup';
import {
  buildProcessEnvs,
  type CopyNames,
  type EnvOverrides,
  type MysqlAddress,
  type SystemPlan,
} from '../env/process-env';
import { planGatewayAuth } from '../auth/gateway-auth';
import { configuredPorts, readSystemSettings, type SystemSettings } from '../env/service-configs';
import { freePort } from '../processes/free-port';
import type { ExitStatus } from '../processes/managed-process';
import { PROCESS_NAMES, SYSTEM_PROCESSES, type ProcessName, type SystemPorts } from '../processes/process-catalog';
import { REPOSITORY_ROOT } from '../repository-root';
import { createProcessGroup, type ProcessWrap } from './process-group';
import { systemHandle, type LaunchedSystem } from './system-handle';

export interface SystemCopy extends CopyNames {
  /** Drop the databases and topics again on stop (tests); benchmarks keep them for inspection. */
  readonly dropOnStop?: boolean;
}

export interface SystemOptions {
  /** A copy beside `npm start`'s system; without it, the system itself. */
  readonly copy?: SystemCopy;
  readonly say?: (line: string) => void;
  /** Each process's output into `<logDir>/<name>.log`; without it, onto ours behind `[name]`. */
  readonly logDir?: string;
  /** Pid files for `npm run stop`. */
  readonly pidDir?: string;
  /** Another MySQL server or Kafka cluster than the environment (or the services' defaults) names. */
  readonly mysql?: MysqlAddress;
  readonly brokers?: readonly string[];
  readonly logLevel?: string;
  /** The gateway's per-client rate limit; off for load from one address. Default: the gateway's. */
  readonly rateLimit?: boolean;
  /**
   * The gateway's bearer-token check. Default: on; a copy gets a fresh HS256 secret, npm start
   * AUTH_HS256_SECRET or the development secret (or the environment's own AUTH_* key settings).
   * `false` turns it off (AUTH_ENABLED=false). The key is the handle's `signingKey`.
   */
  readonly auth?: boolean;
  readonly overrides?: EnvOverrides;
  readonly wrap?: ProcessWrap;
  /** Aborting it makes a start under way stop what it started and reject. */
  readonly signal?: AbortSignal;
  readonly onUnexpectedExit?: (name: string, status: ExitStatus) => void;
}

export async function startSystem(options: SystemOptions = {}): Promise<LaunchedSystem> {
  const say = options.say ?? (() => undefined);
  const plan = { ...(await planSystem(options)), auth: planGatewayAuth(!!options.copy, options.auth) };
  const envs = buildProcessEnvs(plan, options.overrides);
  const settings = readSystemSettings(envs);
  const group = createProcessGroup(options);
  try {
    await prepareData(settings, options.copy, say);
    await runSetupSteps(envs, { seed: !options.copy, show: options.logDir === undefined });
    const services = [];
    for (const spec of SYSTEM_PROCESSES) {
      services.push(await group.launch({ spec, label: spec.name, port: plan.ports[spec.name], env: envs[spec.name] }));
      say(`${spec.name} ready on http://localhost:${plan.ports[spec.name]}`);
    }
    const stopAll = async () => {
      await group.stopAll();
      if (options.copy?.dropOnStop) await dropData(settings);
    };
    return systemHandle({ plan, settings, envs, group, services, stopAll });
  } catch (error) {
    await group.stopAll();
    throw error;
  }
}

async function planSystem(options: SystemOptions): Promise<SystemPlan> {
  const { copy, mysql, brokers, logLevel, rateLimit } = options;
  if (!copy) return { ports: configuredPorts(), servicesHost: '127.0.0.1', mysql, brokers, logLevel, rateLimit };
  const ports: Partial<Record<ProcessName, number>> = {};
  for (const name of PROCESS_NAMES) ports[name] = await freePort();
  return { ports: ports as SystemPorts, copy, bindHost: '127.0.0.1', mysql, brokers, logLevel, rateLimit };
}

/** npm start: the topics that are missing. A copy: its databases and topics, empty. */
async function prepareData(settings: SystemSettings, copy: CopyNames | undefined, say: (line: string) => void) {
  const topics = systemTopicSpecs(settings.topics);
  if (!copy) {
    const created = await ensureSystemTopics(settings.brokers, topics);
    if (created.length > 0) say(`created topics: ${created.join(', ')}`);
    return;
  }
  say(`recreating the databases and topics (${copy.productDb}, ${copy.orderDb}, ${copy.topicPrefix}.*)`);
  const { product, order } = settings.databases;
  await Promise.all([recreateDatabase(product), recreateDatabase(order), recreateTopics(settings.brokers, topics)]);
}

/** Migrations of every process that has them, then (npm start) the demo catalogue. */
async function runSetupSteps(
  envs: Record<ProcessName, NodeJS.ProcessEnv>,
  { seed, show }: { seed: boolean; show: boolean },
) {
  for (const spec of SYSTEM_PROCESSES) {
    for (const step of [spec.migrate, seed ? spec.seed : undefined]) {
      if (step === undefined) continue;
      await runCommand(process.execPath, [step], {
        cwd: path.join(REPOSITORY_ROOT, spec.dir),
        env: envs[spec.name],
        show: show ? 'everything' : 'nothing',
        prefix: `[${spec.name}]`,
      });
    }
  }
}

async function dropData(settings: SystemSettings): Promise<void> {
  await dropDatabase(settings.databases.product);
  await dropDatabase(settings.databases.order);
  await deleteTopics(settings.brokers, Object.values(settings.topics));
}
