/**
 * docker-compose.yml's healthchecks and start order, which only a running Docker engine would
 * otherwise check: jobs that something waits for, no dependency cycle, and every process of ours
 * waiting for the hosts it connects to (through the services' own config loaders) to be healthy.
 */
import { commandOf, dependenciesOf, healthcheckUrlOf, isJob } from './support/compose';
import { compose, dependencyHostsOf, loadedConfigOf, ourImage, services } from './support/compose-services';

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
