/**
 * `npm run images:pin` (infrastructure/scripts/pin-images.cli.ts), offline: how image references
 * are read and rewritten in Compose, CloudFormation and Dockerfiles, and the registry's token and
 * digest exchange against a registry served on loopback by this test (the same HTTP API Docker Hub
 * and public.ecr.aws speak).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseImageReference, pinnedReference, type ImageReference } from '../scripts/images/image-reference';
import { findImageSites, rewriteSites, siteKindOf } from '../scripts/images/image-sites';
import { describeOutcome, imageFiles, pinImages } from '../scripts/images/pin-images';
import { resolveDigest, tokenUrlOf } from '../scripts/images/registry-digest';
import { REPO_ROOT, readRepoFile } from './support/repo';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('image references', () => {
  it.each([
    ['mysql:8.0.44', { registry: 'registry-1.docker.io', repository: 'library/mysql', tag: '8.0.44' }],
    ['grafana/k6:1.8.1', { registry: 'registry-1.docker.io', repository: 'grafana/k6', tag: '1.8.1' }],
    [
      'public.ecr.aws/docker/library/mysql:8.0',
      { registry: 'public.ecr.aws', repository: 'docker/library/mysql', tag: '8.0' },
    ],
    ['localhost:5000/team/app:1', { registry: 'localhost:5000', repository: 'team/app', tag: '1' }],
    [
      `node:26.13.1-bookworm-slim@${DIGEST}`,
      { repository: 'library/node', tag: '26.13.1-bookworm-slim', digest: DIGEST },
    ],
    ['redis', { repository: 'library/redis' }],
  ])('when %s is read, then its registry, repository, tag and digest are as Docker reads them', (text, expected) => {
    expect(parseImageReference(text)).toMatchObject(expected);
  });

  it.each(['node:26@sha256:short', 'a b', 'x:y@sha256:1@sha256:2', 'host.io/:tag'])(
    'when %s is read, then it is not taken for a reference',
    (text) => {
      expect(parseImageReference(text)).toBeUndefined();
    },
  );

  it('when a reference is pinned, then the tag stays beside the digest, or goes for the ECS form', () => {
    const reference = parseImageReference('public.ecr.aws/aws-cli/aws-cli:2.27.0')!;

    expect(pinnedReference(reference, DIGEST, 'tag-and-digest')).toBe(
      `public.ecr.aws/aws-cli/aws-cli:2.27.0@${DIGEST}`,
    );
    expect(pinnedReference(reference, DIGEST, 'digest-only')).toBe(`public.ecr.aws/aws-cli/aws-cli@${DIGEST}`);
    expect(() => pinnedReference(reference, 'sha256:00', 'digest-only')).toThrow('not a sha256 digest');
  });
});

describe('where images are named', () => {
  const compose = [
    'x-own: &own',
    '  image: ecom-platform/gateway:${IMAGE_TAG:-local}',
    'services:',
    '  mysql:',
    '    image: mysql:8.0.44 # the server',
    "    command: ['--image', 'x']",
    '  k6:',
    "    image: 'grafana/k6:1.8.1'",
  ].join('\n');
  const template = [
    'Parameters:',
    '  EnvironmentName:',
    '    Type: String',
    '    Default: ecom',
    '  K6Image:',
    '    Type: String',
    '    Default: grafana/k6:1.8.1',
    'Resources:',
    '  Task:',
    '    Properties:',
    '      ContainerDefinitions:',
    '        - Image: !Ref K6Image',
    '        - Image: public.ecr.aws/aws-cli/aws-cli:2.27.0',
  ].join('\n');
  const dockerfile = [
    'FROM node:26.13.1-bookworm-slim AS build',
    'RUN true',
    'FROM build AS test',
    'FROM scratch',
  ].join('\n');

  it('when a Compose file is read, then third-party image lines are found and our own images are not', () => {
    expect(findImageSites('docker-compose.yml', compose).map(({ line, text }) => [line, text])).toEqual([
      [5, 'mysql:8.0.44'],
      [8, 'grafana/k6:1.8.1'],
    ]);
  });

  it('when a template is read, then image parameter defaults and literal Image values are found, nothing else', () => {
    expect(findImageSites('aws/cloudformation/loadtest.yaml', template).map(({ line, text }) => [line, text])).toEqual([
      [7, 'grafana/k6:1.8.1'],
      [13, 'public.ecr.aws/aws-cli/aws-cli:2.27.0'],
    ]);
  });

  it('when a Dockerfile is read, then base images are found and earlier stages are not', () => {
    expect(findImageSites('gateway/Dockerfile', dockerfile).map(({ text }) => text)).toEqual([
      'node:26.13.1-bookworm-slim',
    ]);
    expect(['services/x/Dockerfile', 'docker-compose.yml', 'aws/cloudformation/a.yaml'].map(siteKindOf)).toEqual([
      'dockerfile',
      'compose',
      'cloudformation',
    ]);
  });

  it('when sites are rewritten, then only their references change, quotes and comments kept', () => {
    const sites = findImageSites('docker-compose.yml', compose);
    const pins = sites.map((site) => ({ site, pinned: `${site.text}@${DIGEST}` }));

    const lines = rewriteSites(compose, pins).split('\n');

    expect(lines[4]).toBe(`    image: mysql:8.0.44@${DIGEST} # the server`);
    expect(lines[7]).toBe(`    image: 'grafana/k6:1.8.1@${DIGEST}'`);
    expect(lines.filter((_, index) => index !== 4 && index !== 7)).toEqual(
      compose.split('\n').filter((_, index) => index !== 4 && index !== 7),
    );
  });

  it('when a template default is pinned digest-only, then the tag it came from stays in a comment', () => {
    const [site] = findImageSites('aws/cloudformation/loadtest.yaml', template);

    const line = rewriteSites(template, [{ site: site!, pinned: `grafana/k6@${DIGEST}` }]).split('\n')[6];

    expect(line).toBe(`    Default: grafana/k6@${DIGEST} # grafana/k6:1.8.1`);
  });

  it('when the file changed under a site, then the rewrite refuses rather than guess', () => {
    const [site] = findImageSites('docker-compose.yml', compose);

    expect(() => rewriteSites('services: {}', [{ site: site!, pinned: 'x' }])).toThrow('no longer names mysql:8.0.44');
  });

  it("when the repository's files are read, then every third-party image of Compose, the templates and the images is found", () => {
    const texts = imageFiles(REPO_ROOT).flatMap((file) =>
      findImageSites(file, readRepoFile(file)).map(({ text }) => text),
    );

    for (const image of ['mysql:', 'apache/kafka:', 'prom/prometheus:', 'grafana/grafana:', 'grafana/k6:', 'aws-cli:'])
      expect(texts.some((text) => text.includes(image))).toBe(true);
    expect(texts.filter((text) => text.startsWith('node:'))).toHaveLength(6);
  });
});

/** A registry on loopback that wants an anonymous Bearer token, as Docker Hub does. */
function startRegistry(): Promise<{ server: Server; host: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const host = request.headers.host!;
    if (request.url?.startsWith('/token')) {
      response.setHeader('content-type', 'application/json');
      return response.end(JSON.stringify({ token: 'anonymous' }));
    }
    if (request.headers.authorization !== 'Bearer anonymous') {
      response.setHeader(
        'www-authenticate',
        `Bearer realm="http://${host}/token",service="registry.test",scope="repository:team/app:pull"`,
      );
      response.statusCode = 401;
      return response.end();
    }
    if (request.url === '/v2/team/app/manifests/1.0' && /image\.index/.test(String(request.headers.accept))) {
      response.setHeader('docker-content-digest', DIGEST);
      return response.end();
    }
    response.statusCode = 404;
    response.end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, host: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests }),
    ),
  );
}

describe('the registry exchange', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;

  beforeAll(async () => {
    registry = await startRegistry();
  });

  afterAll(() => new Promise((resolve) => registry.server.close(resolve)));

  it('when a tag is resolved, then the token named by the challenge is fetched and the index digest returned', async () => {
    registry.requests.length = 0;

    await expect(resolveDigest(parseImageReference(`${registry.host}/team/app:1.0`)!)).resolves.toBe(DIGEST);
    expect(registry.requests).toEqual([
      'HEAD /v2/team/app/manifests/1.0',
      'GET /token?service=registry.test&scope=repository%3Ateam%2Fapp%3Apull',
      'HEAD /v2/team/app/manifests/1.0',
    ]);
  });

  it('when the tag does not exist, then the error names the URL and the status', async () => {
    await expect(resolveDigest(parseImageReference(`${registry.host}/team/app:9.9`)!)).rejects.toThrow(
      `http://${registry.host}/v2/team/app/manifests/9.9 answered 404`,
    );
  });

  it('when the registry cannot be reached, then the error says why (as the curl evidence does)', async () => {
    const closed = await startRegistry();
    await new Promise((resolve) => closed.server.close(resolve));

    await expect(resolveDigest(parseImageReference(`${closed.host}/team/app:1.0`)!)).rejects.toThrow(
      `http://${closed.host}/v2/team/app/manifests/1.0: ECONNREFUSED`,
    );
  });

  it('when a challenge is not a Bearer one, then there is no token URL; when it is, the URL carries its parameters', () => {
    expect(tokenUrlOf('Basic realm="x"')).toBeUndefined();
    expect(tokenUrlOf('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"')).toBe(
      'https://auth.docker.io/token?service=registry.docker.io',
    );
  });

  it('when a copy of the repository is pinned, then resolved lines are rewritten, failures reported, pinned ones kept', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pin-images-'));
    try {
      cpSync(path.join(REPO_ROOT, 'gateway/Dockerfile'), path.join(root, 'gateway/Dockerfile'), { recursive: true });
      writeFileSync(
        path.join(root, 'docker-compose.yml'),
        `services:\n  a:\n    image: ${registry.host}/team/app:1.0\n  b:\n    image: ${registry.host}/team/app:9.9\n  c:\n    image: redis:7@${DIGEST}\n`,
      );

      // Only this test's registry is asked; any other (Docker Hub for node:…) is refused here, so the
      // test never depends on whether the machine can reach it.
      const resolve = (reference: ImageReference) =>
        reference.registry === registry.host
          ? resolveDigest(reference)
          : Promise.reject(new Error(`not asked in this test: ${reference.registry}`));

      const outcomes = await pinImages({ root, files: imageFiles(root), resolve });

      const compose = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
      expect(compose).toContain(`image: ${registry.host}/team/app:1.0@${DIGEST}\n`);
      expect(compose).toContain(`image: ${registry.host}/team/app:9.9\n`);
      expect(outcomes.map(describeOutcome).slice(0, 3)).toEqual([
        `docker-compose.yml:3 ${registry.host}/team/app:1.0: pinned to ${DIGEST}`,
        `docker-compose.yml:5 ${registry.host}/team/app:9.9: not pinned (http://${registry.host}/v2/team/app/manifests/9.9 answered 404)`,
        `docker-compose.yml:7 redis:7@${DIGEST}: pinned already`,
      ]);
      // The refused references are reported, and the Dockerfile is left as it was.
      expect(outcomes.slice(3).every((outcome) => outcome.error !== undefined)).toBe(true);
      expect(readFileSync(path.join(root, 'gateway/Dockerfile'), 'utf8')).toBe(readRepoFile('gateway/Dockerfile'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('when only checking, then nothing is resolved or written and unpinned references say so', async () => {
    const outcomes = await pinImages({ root: REPO_ROOT, files: ['docker-compose.yml'] });

    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((outcome) => outcome.digest === undefined && outcome.error === undefined)).toBe(true);
    expect(describeOutcome(outcomes[0]!)).toMatch(/: (NOT pinned|pinned already)$/);
  });
});
