import request from 'supertest';
import { createServiceApp } from '@ecom/service-kit/http';
import { createMetrics } from '@ecom/service-kit/metrics';
import { testLogger } from '@ecom/service-kit/testing';

const appWith = (liveness?: Parameters<typeof createServiceApp>[0]['liveness']) =>
  createServiceApp({
    service: 'probe',
    logger: testLogger(),
    metrics: createMetrics('probe'),
    readiness: { mysql: () => Promise.reject(new Error('down')) },
    ...(liveness && { liveness }),
    routes: [],
  }).callback();

describe('GET /health (liveness) of a kit service', () => {
  it('when the service declares no liveness checks, then /health answers 200 with the same body as ever, whatever its dependencies', async () => {
    const response = await request(appWith()).get('/health');

    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['service', 'status', 'uptime_s']);
    expect(response.body).toMatchObject({ status: 'ok', service: 'probe' });
  });

  it('when its liveness checks hold, then /health answers 200 and names them', async () => {
    const response = await request(appWith({ consumer: async () => undefined })).get('/health');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', checks: { consumer: { status: 'up' } } });
  });

  it('when a liveness check fails, then /health answers 503 with the reason, so the orchestrator replaces the process', async () => {
    const dead = () => Promise.reject(new Error('the consumer crashed'));

    const response = await request(appWith({ consumer: dead })).get('/health');

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      status: 'unhealthy',
      service: 'probe',
      checks: { consumer: { status: 'down', error: 'the consumer crashed' } },
    });
  });
});
