/**
 * moto in server mode on a free loopback port, with the Secrets Manager model of
 * support/moto_server.py; stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { motoPython } from './python-tools';

export interface MotoServer {
  readonly endpoint: string;
  readonly pid: number;
  /** What the server printed (its warnings name the resource types it skipped). */
  output(): string;
  stop(): Promise<void>;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  const port = await freeLoopbackPort();
  const child: ChildProcess = spawn(await motoPython(), [path.join(__dirname, 'moto_server.py'), String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited at start:\n${output}`);
    const ready = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(200);
  }
  return { endpoint, pid: child.pid ?? -1, output: () => output, stop };
}
