// Runs the system's Node processes in the foreground with prefixed logs, waits until each is
// ready, and stops them (by pid, newest first) when asked or when one of them dies.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { ROOT, say, writePrefixed } from './run.mjs';

const RUN_DIR = `${process.env.ECOM_DATA_DIR ?? `${ROOT}/.data`}/run`;
const STOP_GRACE_MS = 15_000;

export class Supervisor {
  #children = [];
  #stopping = false;
  onUnexpectedExit = () => {};

  /** Starts one deployable and writes its pid file. */
  spawn(deployable, env) {
    const prefix = `[${deployable.name}]`;
    const child = spawn(process.execPath, [deployable.entry], {
      cwd: `${ROOT}/${deployable.dir}`,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pidFile = `${RUN_DIR}/${deployable.name}.pid`;
    mkdirSync(RUN_DIR, { recursive: true });
    writeFileSync(pidFile, `${child.pid}\n`);
    child.stdout.on('data', (chunk) => writePrefixed(process.stdout, prefix, chunk, child.stdout));
    child.stderr.on('data', (chunk) => writePrefixed(process.stderr, prefix, chunk, child.stderr));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    exited.then(({ code, signal }) => {
      rmSync(pidFile, { force: true });
      if (!this.#stopping) this.onUnexpectedExit(deployable, code ?? signal);
    });
    this.#children.push({ deployable, child, exited });
    return child;
  }

  /** Stops every child, newest first: SIGTERM, then SIGKILL after the grace period. */
  async stopAll() {
    this.#stopping = true;
    for (const { deployable, child, exited } of [...this.#children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      say(`stopping ${deployable.name} (pid ${child.pid})`);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
  }
}

/** Polls `url` until it answers 2xx; rejects after `timeoutMs` or when `child` exits first. */
export async function waitUntilReady(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited while starting (${lastProblem})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      lastProblem = `${response.status} ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      lastProblem = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`not ready after ${timeoutMs / 1000}s: ${lastProblem}`);
}
