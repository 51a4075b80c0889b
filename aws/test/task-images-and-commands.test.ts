/**
 * What each task runs: the images and commands of the services stack (entry points that exist in
 * the sources, the jobs' own image tag) and the k6 suite of the load-test stack.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { IMAGES, K6_ENTRY_POINT, REPOSITORY_ROOT } from '../scripts/lib/stacks';
import { PROCESSES } from './support/service-processes';
import { SAMPLE, containerNamed, readRepositoryFile, scopeOf } from './support/task-definitions';
import { evaluate } from './support/templates';

describe('the services stack runs the images and commands of the container issue', () => {
  const imageOf = (name: string) => {
    const image = containerNamed('services', name).definition['Image'] as {
      'Fn::Sub': [string, Record<string, unknown>];
    };
    const [text, variables] = image['Fn::Sub'];
    const repository = JSON.stringify(variables['Repository']);
    return { text, repository, tag: JSON.stringify(variables['Tag'] ?? { Ref: 'ImageTag' }) };
  };
  const repositoryExportOf = (image: string) =>
    `\${EnvironmentName}-${IMAGES.find((candidate) => candidate.image === image)?.repositoryOutput}`;

  it.each([
    ['gateway', 'ecom-platform/gateway', undefined],
    ['product-service', 'ecom-platform/product-service', undefined],
    ['order-service', 'ecom-platform/order-service', undefined],
    ['order-worker', 'ecom-platform/order-service', ['node', 'dist/worker.js']],
    ['product-migrations', 'ecom-platform/product-service', ['node', 'dist/migrate.js']],
    ['product-seed', 'ecom-platform/product-service', ['node', 'dist/seed.js']],
    ['order-migrations', 'ecom-platform/order-service', ['node', 'dist/migrate.js']],
    ['kafka-topics', 'ecom-platform/product-service', ['node', 'libraries/service-kit/dist/cli/ensure-topics.js']],
  ])(
    'when %s runs, then it runs the image %s with the command %j (undefined: the image default)',
    (name, image, command) => {
      expect(imageOf(name).repository).toContain(repositoryExportOf(image));
      expect(containerNamed('services', name).evaluated['Command']).toEqual(command);
    },
  );

  it.each([
    ['services/order-service', 'dist/worker.js'],
    ['services/order-service', 'dist/migrate.js'],
    ['services/product-service', 'dist/migrate.js'],
    ['services/product-service', 'dist/seed.js'],
  ])('when a task runs %s/%s, then that entry point exists in the sources', (service, entry) => {
    const source = path.join(REPOSITORY_ROOT, service, entry.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'));
    expect(existsSync(source)).toBe(true);
  });

  it('when the topic job runs from the product image, then the image links the kit where the command looks for it', () => {
    expect(existsSync(path.join(REPOSITORY_ROOT, 'libraries/service-kit/src/cli/ensure-topics.ts'))).toBe(true);
    const dockerfile = readRepositoryFile('services/product-service/Dockerfile');
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toMatch(/ln -s \.\.\/node_modules\/@ecom\/service-kit \/out\/libraries\/service-kit/);
  });

  it('when the one-off jobs run, then they use the jobs tag, which falls back to the services tag', () => {
    const scope = scopeOf('services', { JobsImageTag: '' });
    const jobs = ['product-migrations', 'product-seed', 'order-migrations', 'kafka-topics'];
    for (const name of jobs) {
      expect(JSON.parse(imageOf(name).tag)).toEqual({
        'Fn::If': ['JobsImageTagGiven', { Ref: 'JobsImageTag' }, { Ref: 'ImageTag' }],
      });
      expect(String(containerNamed('services', name, { JobsImageTag: '' }).evaluated['Image'])).toMatch(/:v1$/);
      expect(String(containerNamed('services', name, { JobsImageTag: 'v2' }).evaluated['Image'])).toMatch(/:v2$/);
    }
    for (const name of PROCESSES) expect(JSON.parse(imageOf(name).tag)).toEqual({ Ref: 'ImageTag' });
    expect(scope.parameters['JobsImageTag']).toBe('');
  });
});

describe('the load-test task runs the k6 suite', () => {
  it('when the load test starts, then k6 runs the suite entry point with SCENARIO and BASE_URL', () => {
    const k6 = containerNamed('loadtest', 'k6');
    expect((k6.evaluated['Command'] as string[]).at(-1)).toBe(`/scripts/${K6_ENTRY_POINT}`);
    expect(Object.keys(k6.environment)).toEqual(expect.arrayContaining(['SCENARIO', 'BASE_URL']));
    expect(k6.environment['BASE_URL']).toBe(`sample-${SAMPLE.environment}-ApiUrl`);
  });

  it('when k6 runs on AWS, then it is the release the local runner pins', () => {
    const pinned = /K6_VERSION=v([\d.]+)/.exec(readRepositoryFile('infrastructure/k6/k6.sh'))?.[1];
    const image = String(evaluate({ Ref: 'K6Image' }, scopeOf('loadtest')));
    expect(image).toBe(`grafana/k6:${pinned}`);
  });
});
