/** The system's running processes: launched one by one until ready, stopped newest first. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startManagedProcess, type ExitStatus, type ManagedProcess } from '../processes/managed-process';
import { localUrl, type ProcessSpec } from '../processes/process-catalog';
import { waitUntilReady } from '../processes/readiness-probe';
import { REPOSITORY_ROOT } from '../repository-root';

export interface RunningProcess {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly process: ManagedProcess;
}

/** Runs one process under another command (a profiler), given the node arguments. */
export interface ProcessWrap {
  readonly service: string;
  readonly wrap: (nodeArgs: string[]) => [string, string[]];
  /** How to stop the wrapped process so that it writes its output (clinic: SIGINT). */
  readonly stopSignal: NodeJS.Signals;
}

export interface ProcessGroupOptions {
  /** Each process's output into `<logDir>/<name>.log`; without it, onto ours behind `[name]`. */
  readonly logDir?: string;
  /** Pid files `<pidDir>/<name>.pid`, for `npm run stop`. */
  readonly pidDir?: string;
  readonly wrap?: ProcessWrap;
  /** Gives up waiting for readiness, and launches nothing more, once aborted. */
  readonly signal?: AbortSignal;
  readonly onUnexpectedExit?: (name: string, status: ExitStatus) => void;
}

export interface InstanceLaunch {
  readonly spec: ProcessSpec;
  /** Its name in logs, pid files and `services`: the spec's, or another for a second instance. */
  readonly label: string;
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
}

export interface ProcessGroup {
  launch(instance: InstanceLaunch): Promise<RunningProcess>;
  /** Every process launched, newest first, each gone before the next is asked. */
  stopAll(): Promise<void>;
}

export function createProcessGroup(options: ProcessGroupOptions): ProcessGroup {
  const launched: ManagedProcess[] = [];
  const inDir = (dir: string | undefined, file: string) => (dir === undefined ? undefined : path.join(dir, file));
  const { onUnexpectedExit, wrap } = options;
  if (options.logDir !== undefined) mkdirSync(options.logDir, { recursive: true });
  return {
    launch: async ({ spec, label, port, env }) => {
      options.signal?.throwIfAborted();
      const wrapped = wrap?.service === label ? wrap : undefined;
      const [command, args] = wrapped ? wrapped.wrap([spec.entry]) : [process.execPath, [spec.entry]];
      const managed = startManagedProcess({
        name: label,
        command,
        args,
        cwd: path.join(REPOSITORY_ROOT, spec.dir),
        env,
        logFile: inDir(options.logDir, `${label}.log`),
        pidFile: inDir(options.pidDir, `${label}.pid`),
        stopSignal: wrapped?.stopSignal,
        onUnexpectedExit: onUnexpectedExit && ((status) => onUnexpectedExit(label, status)),
      });
      launched.push(managed);
      await waitUntilReady(`${localUrl(port)}/ready`, managed, { signal: options.signal });
      return { name: label, port, url: localUrl(port), process: managed };
    },
    stopAll: async () => {
      for (const managed of [...launched].reverse()) await managed.stop();
    },
  };
}
