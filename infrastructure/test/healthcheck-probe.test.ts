/** infrastructure/docker/healthcheck.js, the probe every image's HEALTHCHECK and Compose run. */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { repoPath } from './support/repo';

const PROBE = repoPath('infrastructure/docker/healthcheck.js');

function probe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PROBE, ...args],
      { env: { PATH: process.env['PATH'], ...env } },
      (error, _out, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}

describe('the container health probe', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.statusCode = req.url === '/health' ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('when the URL answers 200, then it exits 0', async () => {
    expect(await probe([`${base}/health`])).toEqual({ code: 0, stderr: '' });
  });

  it('when no argument is given, then it probes HEALTHCHECK_URL', async () => {
    expect((await probe([], { HEALTHCHECK_URL: `${base}/health` })).code).toBe(0);
    expect((await probe([], { HEALTHCHECK_URL: `${base}/ready` })).code).toBe(1);
  });

  it('when the URL answers 503, then it exits 1 and says so', async () => {
    const result = await probe([`${base}/ready`]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('answered 503');
  });

  it('when nothing listens, then it exits 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const result = await probe([`http://127.0.0.1:${port}/health`]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ECONNREFUSED');
  });

  it('when the service hangs, then it gives up after HEALTHCHECK_TIMEOUT_MS and exits 1', async () => {
    const started = Date.now();

    const result = await probe([`${base}/slow`], { HEALTHCHECK_TIMEOUT_MS: '300' });

    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('when no URL is known at all, then it exits 1 (never 2, which Docker reserves)', async () => {
    expect((await probe([])).code).toBe(1);
  });
});
