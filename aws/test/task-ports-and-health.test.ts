/**
 * Ports and health checks of the services stack against the images and the services: the port
 * each config listens on and each image exposes, the image probe ECS runs, the load balancer's
 * health check and the Service Connect aliases.
 */
import request from 'supertest';
import { createMetrics } from '@ecom/service-kit/metrics';
import { createServiceApp } from '@ecom/service-kit/http';
import { testLogger } from '@ecom/service-kit/testing';
import { PROCESSES, containerPort, serviceConnectUrl } from './support/service-processes';
import { containerNamed, readRepositoryFile, scopeOf } from './support/task-definitions';

describe('ports and health checks agree with the images and the services', () => {
  const PORTS = { gateway: 8080, 'product-service': 8081, 'order-service': 8082, 'order-worker': 8083 } as const;
  const DOCKERFILES = {
    gateway: 'gateway/Dockerfile',
    'product-service': 'services/product-service/Dockerfile',
    'order-service': 'services/order-service/Dockerfile',
    'order-worker': 'services/order-service/Dockerfile',
  } as const;

  it.each(PROCESSES)(
    'when %s listens, then the task maps the port its config listens on and its image exposes',
    (name) => {
      expect(containerPort(name)).toBe(PORTS[name]);
      const portVariable = Object.entries(containerNamed('services', name).environment).find(
        ([key]) => key.endsWith('_PORT') && key !== 'MYSQL_PORT',
      );
      expect(Number(portVariable?.[1])).toBe(PORTS[name]);
      const exposed = /^EXPOSE (.+)$/m.exec(readRepositoryFile(DOCKERFILES[name]))?.[1]?.split(/\s+/).map(Number);
      expect(exposed).toContain(PORTS[name]);
    },
  );

  it.each(PROCESSES)('when ECS checks %s, then it runs the image probe against its own port on /health', (name) => {
    const healthCheck = containerNamed('services', name).evaluated['HealthCheck'] as { Command: string[] };
    expect(healthCheck.Command).toEqual([
      'CMD',
      'node',
      '/app/healthcheck.js',
      `http://127.0.0.1:${PORTS[name]}/health`,
    ]);
    expect(readRepositoryFile(DOCKERFILES[name])).toMatch(
      /healthcheck\.js \/out\/healthcheck\.js|\/app\/healthcheck\.js/,
    );
  });

  it('when a service built on the kit is asked for /health, then it answers 200 even with a dependency down (the path the probes use)', async () => {
    const app = createServiceApp({
      service: 'probe',
      logger: testLogger(),
      metrics: createMetrics('probe'),
      readiness: { mysql: () => Promise.reject(new Error('down')) },
      routes: [],
    });
    await request(app.callback()).get('/health').expect(200); // liveness, even with a dependency down
    await request(app.callback()).get('/ready').expect(503);
    expect(readRepositoryFile('gateway/src/http/operability.routes.ts')).toContain("router.get('/health'");
  });

  it('when the load balancer checks the gateway, then it probes the gateway container port on /health', () => {
    const { template } = scopeOf('services');
    const targetGroup = template.Resources['GatewayTargetGroup']?.Properties ?? {};
    expect(targetGroup).toEqual(
      expect.objectContaining({ Port: PORTS.gateway, HealthCheckPath: '/health', TargetType: 'ip' }),
    );
    const balanced = (
      template.Resources['GatewayService']?.Properties?.['LoadBalancers'] as Record<string, unknown>[]
    )[0];
    expect(balanced).toEqual(expect.objectContaining({ ContainerName: 'gateway', ContainerPort: PORTS.gateway }));
  });

  it('when a service offers itself through Service Connect, then its alias port is its container port and the URLs clients use name it', () => {
    for (const name of ['product-service', 'order-service'] as const) {
      expect(serviceConnectUrl(name)).toBe(`http://${name}:${PORTS[name]}`);
    }
  });
});
