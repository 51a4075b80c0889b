/**
 * What `docker compose up` depends on and only a running Docker engine would otherwise reveal:
 * healthchecks and start order, the environment each process reads (through the services' own
 * config loaders), ports, images and commands that exist in this repository, and broker and
 * database settings that match the local ones.
 */
import { loadConfig as loadGatewayConfig } from '../../gateway/src/config';
import { loadConfig as loadOrderConfig } from '../../services/order-service/src/config';
import { loadConfig as loadProductConfig } from '../../services/product-service/src/config';
import {
  commandOf,
  dependenciesOf,
  environmentOf,
  healthcheckUrlOf,
  isJob,
  loadComposeFile,
  mountsOf,
  publishedPortsOf,
  type ComposeService,
} from './support/compose';
import { finalStage, instructionsOf, readDockerfile } from './support/dockerfile';
import { existsInRepo, listRepoFiles, parseKeyValueLines, readRepoFile } from './support/repo';
import { readFileSync } from 'node:fs';

const { compose } = loadComposeFile();
const services = Object.entries(compose.services);
const ourImage = /^ecom-platform\/(gateway|product-service|order-service):/;

/** The package directory an image of ours is built from, by its Dockerfile's location. */
function packageDirOf(service: ComposeService): string | undefined {
  const build = service.build;
  if (build === undefined || typeof build === 'string') return undefined;
  return build.dockerfile?.replace(/\/Dockerfile$/, '');
}

/** The config loader of the package a container runs, applied to the container's environment. */
function loadedConfigOf(service: ComposeService): unknown {
  const environment = environmentOf(service);
  const dir = packageDirOf(service);
  if (dir === 'services/product-service') return loadProductConfig(environment);
  if (dir === 'services/order-service') return loadOrderConfig(environment);
  if (dir === 'gateway') return loadGatewayConfig(environment);
  throw new Error(`no config loader for ${dir}`);
}

/** The names `host` (of host:port or a URL) that a container's settings point at. */
function hostsIn(values: readonly string[]): string[] {
  return values.map((value) => (/^https?:\/\//.test(value) ? new URL(value).hostname : value.split(':')[0]!));
}

/** The hosts the process a container runs will connect to, from its loaded configuration. */
function dependencyHostsOf(name: string, service: ComposeService): string[] {
  const command = commandOf(service)?.join(' ') ?? 'node dist/main.js';
  const environment = environmentOf(service);
  if (command.includes('ensure-topics')) return hostsIn((environment['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','));
  const config = loadedConfigOf(service) as {
    kafka?: { brokers: readonly string[] };
    database?: { host: string };
    productService?: { urls: readonly string[] };
    upstreams?: Record<string, readonly string[]>;
  };
  if (/dist\/(migrate|seed)\.js/.test(command)) return hostsIn([config.database!.host]);
  const hosts = [
    ...(config.kafka?.brokers ?? []),
    ...(config.database ? [config.database.host] : []),
    ...(config.productService?.urls ?? []),
    ...Object.values(config.upstreams ?? {}).flat(),
  ];
  if (hosts.length === 0) throw new Error(`${name}: no dependency found in its configuration`);
  return [...new Set(hostsIn(hosts))];
}

describe('docker-compose.yml services: health and start order', () => {
  it('when a service runs for good, then it has a healthcheck test and restarts unless stopped', () => {
    const problems = services
      .filter(([, service]) => !isJob(service))
      .filter(
        ([, service]) =>
          !service.healthcheck?.test || service.healthcheck.disable || service.restart !== 'unless-stopped',
      )
      .map(([name]) => name);

    expect(problems).toEqual([]);
  });

  it('when a service is a one-off job, then something waits for it to complete or a profile runs it', () => {
    const awaited = new Set(
      services.flatMap(([, service]) =>
        Object.entries(dependenciesOf(service))
          .filter(([, condition]) => condition === 'service_completed_successfully')
          .map(([name]) => name),
      ),
    );

    const orphans = services
      .filter(([, service]) => isJob(service))
      .filter(([name, service]) => !awaited.has(name) && !service.profiles?.length)
      .map(([name]) => name);

    expect(orphans).toEqual([]);
    for (const name of awaited) expect({ name, job: isJob(compose.services[name]!) }).toEqual({ name, job: true });
  });

  it('when a service waits for another to be healthy, then that one has a healthcheck', () => {
    const waits = services.flatMap(([name, service]) =>
      Object.entries(dependenciesOf(service)).map(([dependency, condition]) => ({ name, dependency, condition })),
    );

    for (const { name, dependency, condition } of waits) {
      const target = compose.services[dependency];
      expect({ name, dependency, exists: target !== undefined }).toEqual({ name, dependency, exists: true });
      if (condition === 'service_healthy') {
        expect({ dependency, healthcheck: !!target?.healthcheck?.test }).toEqual({ dependency, healthcheck: true });
      }
      expect({ name, dependency, condition }).toEqual({
        name,
        dependency,
        condition: expect.stringMatching(/^service_(healthy|completed_successfully)$/),
      });
    }
  });

  it('when the dependencies are followed, then there is no cycle (docker compose up can order them)', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`dependency cycle: ${[...path, name].join(' -> ')}`);
      visiting.add(name);
      for (const dependency of Object.keys(dependenciesOf(compose.services[name]!))) visit(dependency, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };

    expect(() => services.forEach(([name]) => visit(name, []))).not.toThrow();
  });

  it('when a process of ours talks to a host, then it waits (itself or through a job it waits for) for that service to be healthy', () => {
    const waitsForHealthy = (name: string, host: string): boolean =>
      Object.entries(dependenciesOf(compose.services[name]!)).some(
        ([dependency, condition]) =>
          (dependency === host && condition === 'service_healthy') || waitsForHealthy(dependency, host),
      );

    for (const [name, service] of services.filter(([, service]) => ourImage.test(service.image ?? ''))) {
      for (const host of dependencyHostsOf(name, service)) {
        expect({ name, host, waits: waitsForHealthy(name, host) }).toEqual({ name, host, waits: true });
      }
    }
  });

  it('when a process runs the topic-creating, migrating or seeding step, then the services wait for it', () => {
    const waitsFor = (name: string) => Object.keys(dependenciesOf(compose.services[name]!));

    expect(waitsFor('product-service')).toEqual(
      expect.arrayContaining(['kafka-topics', 'product-migrate', 'product-seed']),
    );
    expect(waitsFor('order-service')).toEqual(expect.arrayContaining(['kafka-topics', 'order-migrate']));
    expect(waitsFor('order-worker')).toEqual(expect.arrayContaining(['kafka-topics', 'order-migrate']));
  });

  it('when a service of ours probes its health, then it is its own /ready on the port it listens on', () => {
    for (const [name, service] of services.filter(
      ([, service]) => ourImage.test(service.image ?? '') && !isJob(service),
    )) {
      const url = healthcheckUrlOf(service);
      const config = loadedConfigOf(service) as { port: number; workerPort?: number };
      const isWorker = commandOf(service)?.join(' ') === 'node dist/worker.js';

      expect({ name, url: url?.href }).toEqual({
        name,
        url: `http://127.0.0.1:${isWorker ? config.workerPort : config.port}/ready`,
      });
    }
  });

  it('when a process drains on SIGTERM (up to 20 s), then Compose waits longer than that before SIGKILL', () => {
    for (const [name, service] of services.filter(
      ([, service]) => ourImage.test(service.image ?? '') && !isJob(service),
    )) {
      const seconds = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1] ?? 10);
      expect({ name, graceOver20s: seconds > 20 }).toEqual({ name, graceOver20s: true });
    }
  });
});

describe('docker-compose.yml services: environment', () => {
  const ours = services.filter(([, service]) => ourImage.test(service.image ?? ''));
  const sourceText = [
    ...listRepoFiles('libraries/service-kit/src', ['.ts']),
    ...listRepoFiles('services', ['.ts']).filter((file) => file.includes('/src/')),
    ...listRepoFiles('gateway/src', ['.ts']),
    ...listRepoFiles('infrastructure/docker', ['.js']),
  ]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');

  it('when a container of ours gets a variable, then the code reads a variable of that name', () => {
    const unknown = ours.flatMap(([name, service]) =>
      Object.keys(environmentOf(service))
        .filter((key) => key !== 'NODE_ENV' && !new RegExp(`\\b${key}\\b`).test(sourceText))
        .map((key) => `${name}: ${key}`),
    );

    expect(unknown).toEqual([]);
  });

  it("when a service's own config loader reads the container environment, then it accepts it", () => {
    for (const [name, service] of ours.filter(
      ([, service]) => !commandOf(service)?.join(' ').includes('ensure-topics'),
    )) {
      expect(() => loadedConfigOf(service)).not.toThrow();
      expect(name).toBeTruthy();
    }
  });

  it('when a long-running process loads its config, then nothing points at its own loopback', () => {
    for (const [name, service] of ours.filter(([, service]) => !isJob(service))) {
      const loopback = JSON.stringify(loadedConfigOf(service)).match(/127\.0\.0\.1|localhost|\[::1\]/g);

      expect({ name, loopback }).toEqual({ name, loopback: null });
    }
  });

  it('when the gateway starts, then both upstream services are configured (else it answers 502)', () => {
    const config = loadGatewayConfig(environmentOf(compose.services['gateway']!));

    expect(Object.keys(config.upstreams).sort()).toEqual(['order-service', 'product-service']);
  });

  it('when a service logs in to MySQL, then it uses the account the MySQL container provisions', () => {
    const mysql = environmentOf(compose.services['mysql']!);
    for (const [name, service] of ours) {
      const environment = environmentOf(service);
      for (const prefix of ['PRODUCT_DB', 'ORDER_DB']) {
        if (environment[`${prefix}_USER`] === undefined) continue;
        expect({ name, user: environment[`${prefix}_USER`], password: environment[`${prefix}_PASSWORD`] }).toEqual({
          name,
          user: mysql[`${prefix}_USER`],
          password: mysql[`${prefix}_PASSWORD`],
        });
      }
    }
  });

  it('when Kafka UI connects, then it uses the brokers the services use', () => {
    const ui = environmentOf(compose.services['kafka-ui']!);
    const brokers = new Set(ours.map(([, service]) => environmentOf(service)['KAFKA_BROKERS']).filter(Boolean));

    expect([...brokers]).toEqual([ui['KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS']]);
  });

  it('when a value is a password or secret, then it is an overridable ${VAR:-…} whose default is local-only', () => {
    const { raw } = loadComposeFile();
    const rawServices = (raw as unknown as { services: Record<string, ComposeService> }).services;
    const secrets = Object.entries(rawServices).flatMap(([name, service]) =>
      Object.entries(environmentOf(service))
        .filter(([key]) => /PASSWORD|SECRET|TOKEN|_KEY$/.test(key))
        .map(([key, value]) => ({ name, key, value })),
    );

    expect(secrets.length).toBeGreaterThan(0);
    for (const { name, key, value } of secrets) {
      expect({ name, key, value }).toEqual({
        name,
        key,
        value: expect.stringMatching(/^\$\{[A-Z_]+:-[a-z_]*_local\}$/),
      });
    }
  });
});

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
        image: expect.stringMatching(/^[\w./-]+:v?\d+(\.\d+)+$/),
      });
    }
  });

  it('when a container of ours runs `node <script>`, then that script is built from a source in the package', () => {
    for (const [name, service] of services.filter(([, service]) => service.build !== undefined)) {
      const dir = packageDirOf(service)!;
      const imageDefault = instructionsOf(finalStage(readDockerfile(`${dir}/Dockerfile`)), 'CMD')[0]?.execForm;
      const cmd = commandOf(service) ?? imageDefault ?? [];
      const [program, script = ''] = cmd;
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

describe('docker-compose.yml services: the same broker and database settings as locally', () => {
  it('when compared with infrastructure/kafka/server.properties, then the broker is configured the same', () => {
    const local = parseKeyValueLines(readRepoFile('infrastructure/kafka/server.properties'));
    const broker = environmentOf(compose.services['kafka']!);
    // Addresses differ by nature: the container's names and its extra listener for the host.
    const differByNature = new Set(['controller.quorum.voters', 'listener.security.protocol.map']);

    for (const [key, value] of local) {
      if (differByNature.has(key)) continue;
      const variable = `KAFKA_${key.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase()}`;
      expect({ key, value: broker[variable] }).toEqual({ key, value });
    }
    expect(compose.services['kafka']!.image).toMatch(/^apache\/kafka:3\./);
    expect(readRepoFile('infrastructure/kafka/pom.xml')).toContain(
      `<kafka.version>${compose.services['kafka']!.image!.split(':')[1]}</kafka.version>`,
    );
  });

  it('when compared with infrastructure/mysql/my.cnf, then MySQL runs with the same settings', () => {
    const local = parseKeyValueLines(readRepoFile('infrastructure/mysql/my.cnf'), 'mariadbd');
    const flags = new Map(
      (commandOf(compose.services['mysql']!) ?? []).map((flag) => {
        const [key = '', value = ''] = flag.replace(/^--/, '').split('=', 2);
        return [key.replace(/-/g, '_'), flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : value];
      }),
    );
    // MySQL 8.0.30+ sizes the redo log with innodb_redo_log_capacity and deprecates this one.
    const notInMysql8 = new Set(['innodb_log_file_size']);

    for (const [key, value] of local) {
      if (notInMysql8.has(key)) continue;
      const expected = ['skip_name_resolve', 'skip_log_bin'].includes(key) ? '' : value;
      expect({ key, value: flags.get(key) }).toEqual({ key, value: expected });
    }
  });
});
