import { fork, type ChildProcess } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

/** Messages between the benchmark and the processes it starts (over the IPC channel). */
export type ToChild =
  | { readonly cmd: 'cpu' }
  | { readonly cmd: 'stop' }
  | { readonly cmd: 'profile-start' }
  | { readonly cmd: 'profile-stop'; readonly file: string };
export type FromChild =
  | { readonly ready: string }
  | { readonly cpu: NodeJS.CpuUsage }
  | { readonly profiling: boolean }
  | { readonly failed: string };

export interface Child {
  readonly pid: number;
  readonly url: string;
  /** The child's own `process.cpuUsage()` (user + system µs since it started). */
  cpuMicros(): Promise<number>;
  /** Starts the V8 CPU profiler in the child (the steady state only, not its start-up). */
  startProfiling(): Promise<void>;
  /** Stops it and writes the profile (a .cpuprofile, as `node --cpu-prof` writes) to `file`. */
  stopProfiling(file: string): Promise<void>;
  /** Asks the child to stop, then kills it by pid if it lingers. */
  stop(): Promise<void>;
}

const TSCONFIG = path.join(__dirname, 'tsconfig.json');

/**
 * Runs `entry` (a TypeScript file of this folder) in its own Node process through tsx, with its
 * stdout and stderr going to `logFile`, and resolves once it reports the URL it listens on.
 */
export async function startChild(
  entry: string,
  options: { env: NodeJS.ProcessEnv; logFile: string; nodeArgs?: readonly string[] },
): Promise<Child> {
  const log = openSync(options.logFile, 'a');
  const child = fork(path.join(__dirname, entry), [], {
    execArgv: [...(options.nodeArgs ?? []), '--conditions=ecom-source', '--import', 'tsx'],
    env: { ...options.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', log, log, 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: FromChild) =>
      'ready' in message ? resolve(message.ready) : reject(new Error(`${entry}: ${JSON.stringify(message)}`)),
    );
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}; see ${options.logFile}`)));
  });
  return {
    pid: child.pid!,
    url,
    cpuMicros: async () => {
      const answer = await ask(child, { cmd: 'cpu' });
      return 'cpu' in answer ? answer.cpu.user + answer.cpu.system : Number.NaN;
    },
    startProfiling: () => ask(child, { cmd: 'profile-start' }).then(() => undefined),
    stopProfiling: (file) => ask(child, { cmd: 'profile-stop', file }).then(() => undefined),
    stop: () => stopChild(child),
  };
}

function ask(child: ChildProcess, question: ToChild): Promise<FromChild> {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(question);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ cmd: 'stop' } satisfies ToChild);
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The child side: report `url`, answer CPU and profiling requests, and run `stop` then exit when asked to. */
export function serveParent(url: string, stop: () => Promise<void>): void {
  const profiler = new Session();
  const reply = (message: FromChild) => process.send?.(message);
  process.on('message', (message: ToChild) => {
    if (message.cmd === 'cpu') reply({ cpu: process.cpuUsage() });
    if (message.cmd === 'stop') void stop().finally(() => process.exit(0));
    if (message.cmd === 'profile-start') {
      profiler.connect();
      profiler.post('Profiler.enable', () => profiler.post('Profiler.start', () => reply({ profiling: true })));
    }
    if (message.cmd === 'profile-stop') {
      profiler.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(message.file, JSON.stringify(result.profile));
        profiler.disconnect();
        reply({ profiling: false });
      });
    }
  });
  reply({ ready: url });
}

/** The child side, when starting failed. */
export function reportFailure(error: unknown): void {
  process.send?.({ failed: error instanceof Error ? error.message : String(error) } satisfies FromChild);
  process.exitCode = 1;
}
