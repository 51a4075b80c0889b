import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startManagedProcess, waitUntilReady, type ExitStatus } from '@ecom/system-launcher';

const dir = mkdtempSync(path.join(tmpdir(), 'managed-process-'));
const node = (script: string, name = 'child') => ({
  name,
  command: process.execPath,
  args: ['-e', script],
  cwd: dir,
  env: process.env,
  logFile: path.join(dir, `${name}.log`),
});
const IGNORES_SIGTERM = "process.on('SIGTERM', () => console.log('ignored')); setInterval(() => {}, 1000)";

describe('startManagedProcess', () => {
  it('when stopped, then it is gone once stop resolves, and stopping again is the same stop', async () => {
    const child = startManagedProcess({ ...node('setInterval(() => {}, 1000)'), pidFile: path.join(dir, 'run/a.pid') });
    expect(readFileSync(path.join(dir, 'run/a.pid'), 'utf8').trim()).toBe(String(child.pid));

    const first = child.stop();
    const second = child.stop();

    expect(second).toBe(first);
    await first;
    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' });
    await child.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(existsSync(path.join(dir, 'run/a.pid'))).toBe(false);
  });

  it('when it ignores SIGTERM, then SIGKILL ends it after the grace period', async () => {
    const child = startManagedProcess(node(IGNORES_SIGTERM));
    await new Promise((resolve) => setTimeout(resolve, 300)); // its handler is installed

    await child.stop(300);

    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('when it is frozen (SIGSTOP), then stop still ends it with its stop signal, not SIGKILL after the grace', async () => {
    const child = startManagedProcess(node('setInterval(() => {}, 1000)'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(child.pid, 'SIGSTOP');

    await child.stop(10_000);

    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('when it exits without being asked, then onUnexpectedExit hears how; when asked, it does not', async () => {
    const unexpected: ExitStatus[] = [];
    const crashing = startManagedProcess({ ...node('process.exit(3)'), onUnexpectedExit: (s) => unexpected.push(s) });
    const stopped = startManagedProcess({
      ...node('setInterval(() => {}, 1000)'),
      onUnexpectedExit: (s) => unexpected.push(s),
    });

    await crashing.exited;
    await stopped.stop();
    await new Promise((resolve) => setImmediate(resolve));

    expect(unexpected).toEqual([{ code: 3, signal: null }]);
  });

  it('when it exits before answering /ready, then waiting for it fails at once, naming it', async () => {
    const child = startManagedProcess(node('process.exit(1)', 'early-exit'));

    await expect(waitUntilReady('http://127.0.0.1:9/ready', child, { timeoutMs: 10_000 })).rejects.toThrow(
      /early-exit exited while starting/,
    );
  });
});
