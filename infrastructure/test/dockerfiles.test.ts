/**
 * The three Dockerfiles, without a Docker engine: hadolint (from PyPI, see
 * infrastructure/python/), and the points the images promise — multi-stage, a pinned Node LTS release,
 * pnpm with the lockfile, production dependencies only, non-root, HEALTHCHECK, Node as PID 1 — and
 * that whatever they copy from the build context is really there and not excluded by .dockerignore.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  contextSourcesOf,
  envOf,
  finalStage,
  instructionsOf,
  readDockerfile,
  type Dockerfile,
} from './support/dockerfile';
import { existsInRepo, readRepoFile, repoPath } from './support/repo';

const run = promisify(execFile);

const IMAGES = [
  { dockerfile: 'services/product-service/Dockerfile', dir: 'services/product-service', port: 8081 },
  { dockerfile: 'services/order-service/Dockerfile', dir: 'services/order-service', port: 8082 },
  { dockerfile: 'gateway/Dockerfile', dir: 'gateway', port: 8080 },
] as const;

/** `.dockerignore` as Docker applies it (root-relative globs, `**`, `!` exceptions, last match wins). */
function dockerIgnored(relative: string): boolean {
  const patterns = readRepoFile('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    const regex = new RegExp(`^${globToRegex(glob)}(?:/.*)?$`);
    if (regex.test(relative)) ignored = !negated;
  }
  return ignored;
}

/** One .dockerignore glob as a regular expression: `**` any depth, `*` and `?` within a segment. */
function globToRegex(glob: string): string {
  let regex = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (glob.startsWith('**/', index)) {
      regex += '(?:.*/)?';
      index += 2;
    } else if (glob.startsWith('**', index)) {
      regex += '.*';
      index += 1;
    } else if (char === '*') regex += '[^/]*';
    else if (char === '?') regex += '[^/]';
    else regex += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return regex;
}

/** Repository files a stage's RUN commands use (`cp some/path …`), which must be in the context. */
function contextFilesUsedByRun(dockerfile: Dockerfile): string[] {
  return dockerfile.stages
    .flatMap((stage) => instructionsOf(stage, 'RUN'))
    .flatMap(({ args }) => [...args.matchAll(/\bcp\s+(?:-\S+\s+)*([\w.-]+\/[\w./-]+)/g)].map((match) => match[1]!));
}

function nodeVersionOf(image: string): [number, number, number] | undefined {
  const match = /^node:(\d+)\.(\d+)\.(\d+)-bookworm-slim(?:@sha256:[0-9a-f]{64})?$/.exec(image);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

describe('Dockerfiles', () => {
  it('when linted with hadolint, then none has a finding', async () => {
    const results = await Promise.all(
      IMAGES.map(({ dockerfile }) =>
        run('bash', [repoPath('infrastructure/python/python-tools.sh'), 'run', 'hadolint', repoPath(dockerfile)]).then(
          () => ({ dockerfile, findings: '' }),
          (error: { stdout?: string; stderr?: string }) => ({
            dockerfile,
            findings: `${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || 'hadolint failed',
          }),
        ),
      ),
    );

    expect(results).toEqual(IMAGES.map(({ dockerfile }) => ({ dockerfile, findings: '' })));
  }, 60_000);

  it('when a Dockerfile has a hadolint finding, then the lint fails (the check can fail)', async () => {
    const bad = repoPath('infrastructure/test/fixtures/unpinned.Dockerfile');

    await expect(
      run('bash', [repoPath('infrastructure/python/python-tools.sh'), 'run', 'hadolint', bad]),
    ).rejects.toMatchObject({ stdout: expect.stringContaining('DL3007') });
  }, 60_000);

  it('when the images are built, then every stage starts from the same pinned Node 26 (LTS) bookworm-slim', () => {
    const bases = IMAGES.flatMap(({ dockerfile }) => readDockerfile(dockerfile).stages.map((stage) => stage.from));
    const version = nodeVersionOf(bases[0]!);

    expect(new Set(bases).size).toBe(1);
    expect(version).toBeDefined();
    expect(version![0]).toBe(26);
    // What package.json engines declares: the gateway's floor (20.19 / 22.12, require(esm)) and no
    // ceiling above it, so the images' line is included.
    expect(JSON.parse(readRepoFile('package.json')).engines.node).toBe('>=20.19 <21 || >=22.12');
  });

  it('when pnpm is enabled on Node 26 (which ships no corepack), then corepack comes from npm at a pinned version', () => {
    for (const { dockerfile } of IMAGES) {
      const runs = instructionsOf(readDockerfile(dockerfile).stages[0]!, 'RUN').map(({ args }) => args);

      expect(runs.find((args) => /corepack enable pnpm/.test(args))).toMatch(
        /^npm install --global corepack@\d+\.\d+\.\d+ && corepack enable pnpm/,
      );
    }
  });

  describe.each(IMAGES)('$dockerfile', ({ dockerfile: path, dir, port }) => {
    const dockerfile = readDockerfile(path);
    const build = dockerfile.stages[0]!;
    const runtime = finalStage(dockerfile);
    const runs = instructionsOf(build, 'RUN').map(({ args }) => args);
    const packageName = JSON.parse(readRepoFile(`${dir}/package.json`)).name as string;

    it('when built, then it has a build stage and a separate runtime stage', () => {
      expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
      expect(instructionsOf(runtime, 'COPY').every(({ args }) => /--from=/.test(args))).toBe(true);
    });

    it("when dependencies are installed, then it is pnpm (the packageManager's version) with the frozen lockfile", () => {
      expect(runs.some((args) => /corepack enable pnpm/.test(args) && /corepack install/.test(args))).toBe(true);
      expect(runs.some((args) => /pnpm install --frozen-lockfile/.test(args))).toBe(true);
      expect(runs.some((args) => /pnpm (?:add|update|up)\b/.test(args) || /--no-frozen-lockfile/.test(args))).toBe(
        false,
      );
    });

    it('when the runtime stage is assembled, then it gets only the production deployment of this package', () => {
      const deploy = runs.find((args) => /pnpm .*deploy/.test(args));

      expect(deploy).toMatch(new RegExp(`--filter ${packageName} deploy --prod\\b`));
      expect(runs.some((args) => args.includes(`tsc -b ${dir}`))).toBe(true);
      expect(instructionsOf(runtime, 'RUN')).toEqual([]);
    });

    it('when the container runs, then it runs as a numeric non-root user', () => {
      const user = instructionsOf(runtime, 'USER').at(-1)?.args;

      expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    });

    it('when the container starts, then Node is PID 1 (exec form) so SIGTERM reaches the graceful shutdown', () => {
      const cmd = instructionsOf(runtime, 'CMD').at(-1);
      const stopSignal = instructionsOf(runtime, 'STOPSIGNAL').at(-1)?.args ?? 'SIGTERM';

      expect(instructionsOf(runtime, 'ENTRYPOINT')).toEqual([]);
      expect(cmd?.execForm).toEqual(['node', 'dist/main.js']);
      expect(stopSignal).toBe('SIGTERM');
      expect(existsInRepo(`${dir}/src/main.ts`)).toBe(true);
    });

    it("when Docker probes it, then HEALTHCHECK runs the Node probe against /health on the service's port", () => {
      const healthcheck = instructionsOf(runtime, 'HEALTHCHECK').at(-1);

      expect(healthcheck?.execForm).toEqual(['node', '/app/healthcheck.js']);
      expect(envOf(runtime)['HEALTHCHECK_URL']).toBe(`http://127.0.0.1:${port}/health`);
      expect(instructionsOf(runtime, 'EXPOSE')[0]?.args.split(/\s+/)[0]).toBe(String(port));
      expect(runs.some((args) => args.includes('cp infrastructure/docker/healthcheck.js /out/healthcheck.js'))).toBe(
        true,
      );
    });

    it('when the topic command runs in this image, then libraries/service-kit resolves from /app', () => {
      expect(
        runs.some((args) => args.includes('ln -s ../node_modules/@ecom/service-kit /out/libraries/service-kit')),
      ).toBe(true);
      expect(existsInRepo('libraries/service-kit/src/cli/ensure-topics.ts')).toBe(true);
    });

    it('when it copies from the build context, then the files exist and .dockerignore lets them through', () => {
      const sources = [...contextSourcesOf(build), ...contextFilesUsedByRun(dockerfile)];

      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        expect({ source, exists: existsInRepo(source), ignored: source !== '.' && dockerIgnored(source) }).toEqual({
          source,
          exists: true,
          ignored: false,
        });
      }
    });
  });

  it('when the context is sent, then the workspace gets in and installs, build output and secrets stay out', () => {
    for (const needed of [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'tsconfig.base.json',
      'libraries/service-kit/src/errors/index.ts',
      'docs/api/openapi.yaml',
    ]) {
      expect({ needed, ignored: dockerIgnored(needed) }).toEqual({ needed, ignored: false });
    }
    for (const excluded of [
      'node_modules/x',
      'gateway/node_modules/x',
      'gateway/dist/main.js',
      '.env',
      '.data/mysql',
      '.git/HEAD',
    ]) {
      expect({ excluded, ignored: dockerIgnored(excluded) }).toEqual({ excluded, ignored: true });
    }
  });

  it('when the gateway image serves the API description, then OPENAPI_SPEC_PATH names the file it copies', () => {
    const gateway = readDockerfile('gateway/Dockerfile');

    expect(envOf(finalStage(gateway))['OPENAPI_SPEC_PATH']).toBe('/app/docs/api/openapi.yaml');
    expect(contextFilesUsedByRun(gateway)).toContain('docs/api/openapi.yaml');
  });
});
