import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSigningSecret } from '@ecom/auth';
import { createLogDestination } from '../src/logging/log-destination';

describe('the gateway log destination (buffered, as nginx buffers its access log)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gateway-log-'));
  const fileFor = (name: string) => {
    const file = path.join(dir, name);
    return { file, fd: openSync(file, 'w'), read: () => readFileSync(file, 'utf8') };
  };

  it('when lines stay under the buffer size, then nothing is written until a flush, and then all of them at once', () => {
    const log = fileFor('under.log');
    const destination = createLogDestination(1_000, log.fd);

    destination.write('{"n":1}\n');
    destination.write('{"n":2}\n');
    const beforeFlush = log.read();
    destination.flushSync();

    expect(beforeFlush).toBe('');
    expect(log.read()).toBe('{"n":1}\n{"n":2}\n');
    destination.close();
    closeSync(log.fd);
  });

  it('when the buffer fills up, then the batch is written without waiting for the timer', () => {
    const log = fileFor('full.log');
    const destination = createLogDestination(20, log.fd);

    destination.write('{"line":"one"}\n');
    destination.write('{"line":"two"}\n');

    expect(log.read()).toBe('{"line":"one"}\n{"line":"two"}\n');
    destination.close();
    closeSync(log.fd);
  });

  it('when LOG_BUFFER_BYTES is 0, then every line is written at once', () => {
    const log = fileFor('unbuffered.log');
    const destination = createLogDestination(0, log.fd);

    destination.write('{"n":1}\n');

    expect(log.read()).toBe('{"n":1}\n');
    destination.close();
    closeSync(log.fd);
  });

  it('when a destination is closed, then its last lines are written and it no longer hooks process exit', () => {
    const log = fileFor('closed.log');
    const hooksBefore = process.listenerCount('exit');
    const destination = createLogDestination(1_000, log.fd);
    destination.write('{"last":true}\n');

    destination.close();

    expect(log.read()).toBe('{"last":true}\n');
    expect(process.listenerCount('exit')).toBe(hooksBefore);
    closeSync(log.fd);
  });

  it('when the gateway gets SIGTERM with access-log lines still buffered, then it writes every one before it exits', async () => {
    const gateway = spawn(
      process.execPath,
      ['--conditions=ecom-source', '--import', 'tsx', path.join(__dirname, '../src/main.ts')],
      {
        env: {
          ...process.env,
          GATEWAY_PORT: '0',
          GATEWAY_HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          LOG_BUFFER_BYTES: '16000',
          AUTH_HS256_SECRET: generateSigningSecret(),
        },
      },
    );
    let stdout = '';
    gateway.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', resolve));
    // The buffer is flushed at least once a second, so the start-up line arrives within one.
    const port = await waitFor(() => /"port":(\d+)/.exec(stdout)?.[1]);

    const ids = Array.from({ length: 20 }, (_, index) => `flush-me-${index}`);
    for (const id of ids) await fetch(`http://127.0.0.1:${port}/nowhere`, { headers: { 'X-Request-Id': id } });
    gateway.kill('SIGTERM');

    expect(await exited).toBe(0);
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { request_id?: string; msg?: string });
    expect(ids.filter((id) => !lines.some((line) => line.request_id === id))).toEqual([]);
    expect(lines[lines.length - 1]!.msg).toBe('stopped cleanly');
  }, 30_000);
});

async function waitFor<T>(read: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
