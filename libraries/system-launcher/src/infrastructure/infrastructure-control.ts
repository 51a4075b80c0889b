/**
 * MySQL and Kafka for a run: started (or found running) through the scripts, and stopped again
 * only when this run started them, or always when they are an isolated pair of its own.
 */
import type { MysqlAddress } from '../env/process-env';
import { configuredInfrastructure } from '../env/service-configs';
import type { ScriptOutcome } from './script-outcome';
import {
  scriptEnvironment,
  startWithScript,
  stopWithScript,
  type Component,
  type IsolatedInfrastructure,
} from './infrastructure-scripts';

export interface InfrastructureOptions {
  /** A pair of its own, to be stopped on purpose (fault injection); default: the shared one. */
  readonly isolated?: IsolatedInfrastructure;
  /** Show the scripts' progress on stderr (npm start, npm test). */
  readonly showProgress?: boolean;
  readonly say?: (line: string) => void;
}

export interface Infrastructure {
  readonly mysql: MysqlAddress;
  readonly brokers: readonly string[];
  /** Each component's answer to `start`, recorded as soon as it is known. */
  readonly outcomes: Readonly<Partial<Record<Component, ScriptOutcome>>>;
  /** Both, in parallel. */
  start(): Promise<void>;
  startComponent(component: Component): Promise<ScriptOutcome>;
  stopComponent(component: Component): Promise<void>;
  /**
   * Waits for starts still under way, then stops what this handle started (an isolated pair:
   * both, whatever their state). Never what it found running. Once, however often it is asked.
   */
  stop(): Promise<void>;
}

export function createInfrastructure(options: InfrastructureOptions = {}): Infrastructure {
  const { isolated, showProgress = false } = options;
  const env = scriptEnvironment(isolated);
  const outcomes: Partial<Record<Component, ScriptOutcome>> = {};
  const underWay = new Set<Promise<unknown>>();
  let stopping: Promise<void> | undefined;
  const startComponent = (component: Component) => {
    const starting = startWithScript(component, env, showProgress).then((outcome) => {
      // "external" here would be a stranger on our ports: stopping it later would stop what is not ours.
      if (isolated && outcome === 'external') throw new Error(`${component}: its port is taken by another server`);
      outcomes[component] = outcome;
      options.say?.(`${component}: ${outcome}`);
      return outcome;
    });
    underWay.add(starting);
    void starting.catch(() => undefined).finally(() => underWay.delete(starting));
    return starting;
  };
  const stopOwn = async () => {
    await Promise.allSettled([...underWay]);
    for (const component of ['kafka', 'mysql'] as const) {
      if (isolated || outcomes[component] === 'started')
        await stopWithScript(component, env, showProgress).catch(() => undefined);
    }
  };
  const { mysql, brokers } = isolated
    ? { mysql: { host: '127.0.0.1', port: isolated.ports.mysql }, brokers: [`127.0.0.1:${isolated.ports.kafka}`] }
    : configuredInfrastructure();
  return {
    mysql,
    brokers,
    outcomes,
    start: async () => void (await Promise.all([startComponent('mysql'), startComponent('kafka')])),
    startComponent,
    stopComponent: (component) => stopWithScript(component, env, showProgress),
    stop: () => (stopping ??= stopOwn()),
  };
}
