/** What a started system offers its caller: where it is, its processes, and how to stop it. */
import type { SigningKey } from '@ecom/auth';
import { signingKeyOf, type GatewayAuth } from '../auth/gateway-auth';
import { buildProcessEnvs, type EnvOverrides, type ProcessEnvValues, type SystemPlan } from '../env/process-env';
import type { SystemSettings } from '../env/service-configs';
import { freePort } from '../processes/free-port';
import { localUrl, processSpec, type ProcessName, type SystemPorts } from '../processes/process-catalog';
import type { ProcessGroup, RunningProcess } from './process-group';

export interface LaunchedSystem extends SystemSettings {
  readonly gatewayUrl: string;
  readonly productServiceUrl: string;
  readonly orderServiceUrl: string;
  readonly ports: SystemPorts;
  /**
   * What signs tokens its gateway accepts (`signToken` from @ecom/auth): a copy's fresh HS256
   * secret, or npm start's. Undefined when authentication is off, or its key is not the launcher's.
   */
  readonly signingKey: SigningKey | undefined;
  /** How its gateway checks tokens: not at all, with the launcher's HS256 secret, or as the caller's AUTH_* say. */
  readonly authMode: GatewayAuth['mode'];
  /** The system's four processes as they run now (a restart replaces its entry). */
  readonly services: readonly RunningProcess[];
  /** Stops one process (it stays stopped until restarted). */
  stopService(name: ProcessName): Promise<void>;
  /** Stops one process if it still runs and starts it again on its port; resolves once it is ready. */
  restartService(name: ProcessName): Promise<RunningProcess>;
  /**
   * One more instance of one of the processes, on a free port, its environment the system's with
   * `overrides` over it (e.g. a second gateway in front of another upstream); stopped with the system.
   */
  startAnother<N extends ProcessName>(
    name: N,
    label: string,
    overrides: (port: number) => ProcessEnvValues<N>,
  ): Promise<RunningProcess>;
  /** Every process, newest first (then a copy's data, when asked). Once, however often it is asked. */
  stop(): Promise<void>;
}

export interface SystemParts {
  readonly plan: SystemPlan;
  readonly settings: SystemSettings;
  readonly envs: Readonly<Record<ProcessName, NodeJS.ProcessEnv>>;
  readonly group: ProcessGroup;
  readonly services: RunningProcess[];
  readonly stopAll: () => Promise<void>;
}

export function systemHandle({ plan, settings, envs, group, services, stopAll }: SystemParts): LaunchedSystem {
  const { ports } = plan;
  const running = (name: ProcessName) => services.findIndex((service) => service.name === name);
  const relaunch = (name: ProcessName) =>
    group.launch({ spec: processSpec(name), label: name, port: ports[name], env: envs[name] });
  let stopping: Promise<void> | undefined;
  return {
    ...settings,
    ports,
    signingKey: signingKeyOf(plan.auth),
    authMode: plan.auth?.mode ?? 'environment',
    gatewayUrl: localUrl(ports.gateway),
    productServiceUrl: localUrl(ports['product-service']),
    orderServiceUrl: localUrl(ports['order-service']),
    services,
    stopService: (name) => services[running(name)]!.process.stop(),
    restartService: async (name) => {
      const index = running(name);
      await services[index]!.process.stop();
      services[index] = await relaunch(name);
      return services[index]!;
    },
    startAnother: async (name, label, overrides) => {
      const port = await freePort();
      const extra = { [name]: () => overrides(port) } as EnvOverrides;
      const env = buildProcessEnvs({ ...plan, ports: { ...ports, [name]: port } }, extra)[name];
      return group.launch({ spec: processSpec(name), label, port, env });
    },
    stop: () => (stopping ??= stopAll()),
  };
}
