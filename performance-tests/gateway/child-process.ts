import { fork, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';

/**
 * Messages between the benchmark and the processes it starts (over the IPC channel); the child
 * side is child-side.mjs.
 */
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

/**
 * Runs `entry` (a plain JavaScript file of this folder) in its own Node process, with no loader
 * and no TypeScript hooks: what is measured runs as in production (the gateway from its compiled
 * dist/, libraries as Node loads them). Under tsx, the gateway's sources and the ES modules it
 * requires (http-proxy-middleware, httpxy) were recompiled with a helper call on every closure
 * made per request, which cost the gateway some 40 µs of CPU per request that production never
 * pays. Its stdout and stderr go to `logFile`; resolves once it reports the URL it listens on.
 */
export async function startChild(
  entry: string,
  options: { env: NodeJS.ProcessEnv; logFile: string; nodeArgs?: readonly string[] },
): Promise<Child> {
  const log = openSync(options.logFile, 'a');
  const child = fork(path.join(__dirname, entry), [], {
    execArgv: [...(options.nodeArgs ?? [])],
    env: options.env,
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
  // A child that got the same signal as the benchmark may be gone already: then there is no one to ask.
  child.once('error', () => undefined);
  if (child.connected) child.send({ cmd: 'stop' } satisfies ToChild, () => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
