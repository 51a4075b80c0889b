/**
 * docker-compose.yml's ports, images, commands and mounts against this repository: no port clash,
 * images built here or pinned, scripts built from sources that exist, and mounts that exist.
 */
import { commandOf, environmentOf, mountsOf, publishedPortsOf, scriptOf } from './support/compose';
import { compose, packageDirOf, services } from './support/compose-services';
import { finalStage, instructionsOf, readDockerfile } from './support/dockerfile';
import { existsInRepo } from './support/repo';

describe('docker-compose.yml services: ports, images, commands, mounts', () => {
  it('when ports are published, then no two services take the same host port and all bind to 127.0.0.1', () => {
    const published = services.flatMap(([name, service]) =>
      publishedPortsOf(service).map((port) => ({ name, ...port })),
    );
    const taken = new Map<number, string>();

    for (const { name, hostIp, published: port } of published) {
      expect({ name, port, clashesWith: taken.get(port) }).toEqual({ name, port, clashesWith: undefined });
      expect({ name, hostIp }).toEqual({ name, hostIp: '127.0.0.1' });
      taken.set(port, name);
    }
  });

  it('when published, then the gateway is on 8080 and Kafka UI on 8090 (its container port 8080)', () => {
    expect(publishedPortsOf(compose.services['gateway']!)).toEqual([
      { hostIp: '127.0.0.1', published: 8080, target: 8080 },
    ]);
    expect(publishedPortsOf(compose.services['kafka-ui']!)).toEqual([
      { hostIp: '127.0.0.1', published: 8090, target: 8080 },
    ]);
  });

  it('when a service is built here, then its Dockerfile exists, the context is the root and the image is named', () => {
    for (const [name, service] of services.filter(([, service]) => service.build !== undefined)) {
      const build = service.build as { context?: string; dockerfile?: string };
      const dir = packageDirOf(service)!;

      expect({ name, context: build.context, dockerfile: existsInRepo(build.dockerfile ?? '') }).toEqual({
        name,
        context: '.',
        dockerfile: true,
      });
      expect({ name, image: service.image }).toEqual({ name, image: `ecom-platform/${dir.split('/').pop()}:local` });
    }
  });

  it('when a service runs a third-party image, then the image is pinned to a version (never latest)', () => {
    for (const [name, service] of services.filter(([, service]) => service.build === undefined)) {
      expect({ name, image: service.image }).toEqual({
        name,
        image: expect.stringMatching(/^[\w./-]+:v?\d+(\.\d+)+(@sha256:[0-9a-f]{64})?$/),
      });
    }
  });

  it('when a container of ours runs `node <script>`, then that script is built from a source in the package', () => {
    for (const [name, service] of services.filter(([, service]) => service.build !== undefined)) {
      const dir = packageDirOf(service)!;
      const imageDefault = instructionsOf(finalStage(readDockerfile(`${dir}/Dockerfile`)), 'CMD')[0]?.execForm;
      const cmd = commandOf(service) ?? imageDefault ?? [];
      const [program] = cmd;
      const script = scriptOf(cmd) ?? '';
      const source = script.startsWith('libraries/')
        ? script.replace('/dist/', '/src/').replace(/\.js$/, '.ts')
        : `${dir}/${script.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')}`;

      expect({ name, program, source, exists: existsInRepo(source) }).toEqual({
        name,
        program: 'node',
        source,
        exists: true,
      });
    }
  });

  it('when a directory or file of the repository is mounted, then it exists (performance-tests/k6 may still be on its way)', () => {
    const missing = services.flatMap(([name, service]) =>
      mountsOf(service)
        .filter((mount) => mount.type === 'bind' && !existsInRepo(mount.source))
        .map((mount) => `${name}: ${mount.source}`),
    );

    expect(missing).toEqual([]);
  });

  it('when the load test runs, then it runs performance-tests/k6/run.js read-only against the gateway', () => {
    const k6 = compose.services['k6']!;

    expect(k6.profiles).toEqual(['loadtest']);
    expect(mountsOf(k6)).toEqual([
      { type: 'bind', source: './performance-tests/k6', target: '/scripts', readOnly: true },
      { type: 'volume', source: 'auth', target: '/run/ecom-auth', readOnly: true }, // its admin token
    ]);
    expect(commandOf(k6)).toEqual(['run', '/scripts/run.js']);
    expect(environmentOf(k6)['BASE_URL']).toBe('http://gateway:8080');
    expect(existsInRepo('performance-tests/k6/run.js')).toBe(true);
  });

  it('when monitoring is not asked for, then Prometheus and Grafana stay off (profile monitoring)', () => {
    expect(compose.services['prometheus']!.profiles).toEqual(['monitoring']);
    expect(compose.services['grafana']!.profiles).toEqual(['monitoring']);
  });
});
