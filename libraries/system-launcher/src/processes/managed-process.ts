import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLinePrefixer } from '../commands/line-prefixer';

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly exited: Promise<ExitStatus>;
  /** Its stop signal, then SIGKILL after `graceMs`; resolves once it is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface ProcessLaunch {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Its output goes into this file; without one, onto ours with `[name]` in front of each line. */
  readonly logFile?: string;
  /** Written while it runs, so `npm run stop` can find it after a kill -9 of its starter. */
  readonly pidFile?: string;
  /** SIGTERM by default. SIGINT goes to its whole process group, as a terminal's Ctrl-C does (clinic). */
  readonly stopSignal?: NodeJS.Signals;
  /** Called when it exits without having been asked to stop. */
  readonly onUnexpectedExit?: (status: ExitStatus) => void;
}

const SIGTERM_GRACE_MS = 15_000;
/** A profiler writes its report after SIGINT, which takes a while. */
const SIGINT_GRACE_MS = 180_000;

/** Starts a process, tracked by pid only (never by name). */
export function startManagedProcess(launch: ProcessLaunch): ManagedProcess {
  const stopSignal = launch.stopSignal ?? 'SIGTERM';
  const group = stopSignal === 'SIGINT';
  const log = launch.logFile === undefined ? undefined : openSync(launch.logFile, 'a');
  const child = spawn(launch.command, [...launch.args], {
    cwd: launch.cwd,
    env: launch.env,
    stdio: log === undefined ? 'pipe' : ['ignore', log, log],
    detached: group,
  });
  if (log === undefined) forwardOutput(child, `[${launch.name}]`);
  else closeSync(log); // the child has its own copy
  const exited = new Promise<ExitStatus>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  writePidFile(launch.pidFile, child, exited);
  let stopping: Promise<void> | undefined;
  void exited.then((status) => stopping === undefined && launch.onUnexpectedExit?.(status));
  const stopNow = async (graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (group) process.kill(-child.pid!, 'SIGINT');
    else child.kill(stopSignal);
    // A process frozen with SIGSTOP (a benchmark's or a fault test's) acts on its stop signal only
    // once it runs again; to one that runs, SIGCONT is nothing.
    if (group) signalGroupQuietly(child.pid!, 'SIGCONT');
    else child.kill('SIGCONT');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    name: launch.name,
    pid: child.pid!,
    child,
    exited,
    stop: (graceMs = group ? SIGINT_GRACE_MS : SIGTERM_GRACE_MS) => (stopping ??= stopNow(graceMs)),
  };
}

/** Signals a process group that may already have ended. */
function signalGroupQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone: nothing to wake
  }
}

function forwardOutput(child: ChildProcess, prefix: string): void {
  const toStdout = createLinePrefixer(process.stdout, prefix);
  const toStderr = createLinePrefixer(process.stderr, prefix);
  child.stdout!.setEncoding('utf8').on('data', toStdout);
  child.stderr!.setEncoding('utf8').on('data', toStderr);
}

function writePidFile(pidFile: string | undefined, child: ChildProcess, exited: Promise<ExitStatus>): void {
  if (!pidFile) return;
  mkdirSync(path.dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${child.pid}\n`);
  void exited.then(() => rmSync(pidFile, { force: true }));
}
