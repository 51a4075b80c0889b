import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createGateway } from './support/gateway';
import { contractViolations } from './support/openapi-contract';
import {
  closedPortUrl,
  startRecordingUpstream,
  startSilentUpstream,
  type RecordingUpstream,
} from './support/recording-upstream';

/** The value of the Prometheus sample `name{…}` whose labels include every one of `labels`. */
function sample(text: string, name: string, labels: readonly string[]): number | undefined {
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}{`) && labels.every((label) => candidate.includes(label)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('gateway when upstreams fail, and with several instances', () => {
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const gatewayWith = async (env: NodeJS.ProcessEnv) => {
    const gateway = await createGateway(env);
    cleanups.push(gateway.close);
    return gateway;
  };
  const upstream = async () => {
    const started = await startRecordingUpstream();
    cleanups.push(started.close);
    return started;
  };

  it('when the service refuses connections, then JSON 502 upstream_unavailable with the request id, and it is counted', async () => {
    const gateway = await gatewayWith({ PRODUCT_SERVICE_URLS: await closedPortUrl() });

    const response = await request(gateway.app).get('/products').set('X-Request-Id', 'trace-down');

    expect(response.status).toBe(502);
    expect(response.body).toEqual({
      error: {
        code: 'upstream_unavailable',
        message: 'The product-service is not reachable',
        details: [{ message: 'product-service: refused', upstream: 'product-service' }],
        request_id: 'trace-down',
      },
    });
    expect(contractViolations('GET', '/products', response)).toEqual([]);
    const metrics = (await request(gateway.app).get('/metrics')).text;
    expect(sample(metrics, 'gateway_upstream_errors_total', ['upstream="product-service"', 'kind="refused"'])).toBe(1);
  });

  it('when the service does not answer within UPSTREAM_TIMEOUT_MS, then JSON 504 upstream_timeout, without hanging', async () => {
    const silent = await startSilentUpstream();
    cleanups.push(silent.close);
    const gateway = await gatewayWith({ ORDER_SERVICE_URLS: silent.url, UPSTREAM_TIMEOUT_MS: '300' });
    const startedAt = performance.now();

    const response = await gateway.as().post('/orders').send({ user_id: 1, items: [] });

    expect(response.status).toBe(504);
    expect(response.body.error).toMatchObject({ code: 'upstream_timeout', request_id: expect.any(String) });
    expect(performance.now() - startedAt).toBeLessThan(3_000);
    expect(contractViolations('POST', '/orders', response)).toEqual([]);
    const metrics = (await request(gateway.app).get('/metrics')).text;
    expect(sample(metrics, 'gateway_upstream_errors_total', ['upstream="order-service"', 'kind="timeout"'])).toBe(1);
  });

  it('when a service is not configured, then JSON 503 service_unavailable with Retry-After', async () => {
    const gateway = await gatewayWith({ PRODUCT_SERVICE_URLS: 'http://127.0.0.1:9' });

    const response = await gateway.as().get('/orders');

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body.error.code).toBe('service_unavailable');
  });

  it('when a service runs as two instances, then requests alternate between them (round-robin)', async () => {
    const [first, second] = [await upstream(), await upstream()];
    const gateway = await gatewayWith({ ORDER_SERVICE_URLS: `${first.url},${second.url}` });

    for (let index = 0; index < 6; index += 1) {
      await gateway.as().get(`/orders?page=${index}`).expect(200);
    }

    const pages = (instance: RecordingUpstream) => instance.requests.map((received) => received.url);
    expect(pages(first)).toEqual(['/orders?page=0', '/orders?page=2', '/orders?page=4']);
    expect(pages(second)).toEqual(['/orders?page=1', '/orders?page=3', '/orders?page=5']);
  });

  it('when a client goes away before its answer, then the request is counted with status 499', async () => {
    const silent = await startSilentUpstream();
    cleanups.push(silent.close);
    const gateway = await gatewayWith({ ORDER_SERVICE_URLS: silent.url });
    const server = gateway.app.listen(0, '127.0.0.1');
    cleanups.push(() => server.close());
    await new Promise((resolve) => server.once('listening', resolve));

    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`, {
      headers: { authorization: gateway.bearer.admin },
      signal: AbortSignal.timeout(200),
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const metrics = (await request(gateway.app).get('/metrics')).text;
    const labels = ['method="GET"', 'route="/orders"', 'status="499"'];
    expect(sample(metrics, 'http_request_duration_seconds_count', labels)).toBe(1);
  });

  it('when requests are proxied, then /metrics has their latency by route template and status, never the raw path', async () => {
    const orders = await upstream();
    const gateway = await gatewayWith({ ORDER_SERVICE_URLS: orders.url });
    orders.respondWith({ status: 404, body: { error: { code: 'not_found' } } });

    await gateway.as().get('/orders/0192f5a0-7c1e-7cc3-9b4e-2f1d3c4b5a69').expect(404);
    await gateway.as().get('/orders/0192f5a0-7c1e-7cc3-9b4e-2f1d3c4b5a70').expect(404);
    await request(gateway.app).get('/nowhere').expect(404);
    const metrics = (await request(gateway.app).get('/metrics')).text;

    const count = (route: string) =>
      sample(metrics, 'http_request_duration_seconds_count', ['method="GET"', `route="${route}"`, 'status="404"']);
    expect(count('/orders/:id')).toBe(2);
    expect(count('unmatched')).toBe(1);
    expect(metrics).not.toMatch(/0192f5a0/);
  });
});
