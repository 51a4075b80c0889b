import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Starts the fixture server in a real child process and resolves with its port. */
function startFixture(
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=ecom-source', '--import', 'tsx', path.join(__dirname, 'fixtures/slow-server.ts')],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve({ child, port: Number(match[1]), exited });
    });
  });
}

describe('graceful shutdown', () => {
  it('when SIGTERM arrives during a slow request, then that request still completes and the process exits 0', async () => {
    const { child, port, exited } = await startFixture();
    const inFlight = fetch(`http://127.0.0.1:${port}/slow?ms=1500`);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the request is now being handled
    child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ path: '/slow' });
    expect(await exited).toBe(0);
  });

  it('when SIGTERM has arrived, then new connections are refused while the in-flight request drains', async () => {
    const { child, port, exited } = await startFixture();
    const inFlight = fetch(`http://127.0.0.1:${port}/slow?ms=1500`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));

    await expect(fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } })).rejects.toThrow();
    expect((await inFlight).status).toBe(200);
    expect(await exited).toBe(0);
  });

  it('when stopping takes longer than the shutdown timeout, then the process exits non-zero', async () => {
    const { child, port, exited } = await startFixture({ SHUTDOWN_TIMEOUT_MS: '300' });
    const inFlight = fetch(`http://127.0.0.1:${port}/slow?ms=3000`).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    await inFlight;
  });
});
