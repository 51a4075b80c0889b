import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { createServer } from 'node:net';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** `stopSignal` (SIGTERM), then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `command` with its output in `logFile`; the process is stopped by pid, never by name. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; stopSignal?: NodeJS.Signals },
): ManagedProcess {
  const log = openSync(options.logFile, 'a');
  // A process stopped with SIGINT (a profiler such as clinic) gets a process group of its own and the
  // signal goes to the whole group, as a terminal's Ctrl-C does: clinic flame's 0x waits for the
  // profiled child to receive it too before it writes its report.
  const group = options.stopSignal === 'SIGINT';
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', log, log],
    detached: group,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    pid: child.pid!,
    child,
    stop: async (graceMs = options.stopSignal === 'SIGINT' ? 180_000 : 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (group) process.kill(-child.pid!, 'SIGINT');
      else child.kill(options.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 2xx; fails when `process` exits first or after `timeoutMs`. */
export async function waitUntilReady(url: string, process: ManagedProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problem = 'no answer yet';
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) throw new Error(`${process.name} exited while starting (${problem})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      problem = `${response.status} ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      problem = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
    }
    await sleep(250);
  }
  throw new Error(`${process.name} not ready on ${url} after ${timeoutMs / 1000}s: ${problem}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion and resolves with its stdout; rejects with its stderr on failure. */
export function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
