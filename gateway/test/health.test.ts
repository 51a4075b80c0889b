import './support/esm-dependencies';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { generateSigningSecret } from '@ecom/auth';
import { testLogger } from '@ecom/service-kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

/** A real local HTTP upstream whose /ready answers with `status`. */
async function startUpstream(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/ready' ? status : 404, { 'content-type': 'application/json' });
    const dependencies = { mysql: { status: status === 200 ? 'up' : 'down' } };
    res.end(JSON.stringify({ status: status === 200 ? 'ready' : 'unavailable', dependencies }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A port on which nothing listens: taken from a server that is then closed. */
async function closedPortUrl(): Promise<string> {
  const { url, server } = await startUpstream(200);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

describe('gateway /health and /ready', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  async function gatewayWith(productStatus: number) {
    const product = await startUpstream(productStatus);
    servers.push(product.server);
    const config = loadConfig({
      PRODUCT_SERVICE_URLS: product.url,
      ORDER_SERVICE_URLS: await closedPortUrl(),
      UPSTREAM_CHECK_TIMEOUT_MS: '1000',
      AUTH_HS256_SECRET: generateSigningSecret(),
    });
    return createApp(config, testLogger());
  }

  it('when one upstream is ready and one is down, then /health is 200 and reports each one', async () => {
    const response = await request(await gatewayWith(200)).get('/health');

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.dependencies['product-service'].status).toBe('up');
    const [instanceReport] = Object.values(response.body.dependencies['product-service'].details);
    expect(instanceReport).toEqual({ mysql: { status: 'up' } });
    expect(response.body.dependencies['order-service']).toMatchObject({ status: 'down' });
    expect(response.body.dependencies['order-service'].error).toMatch(/ECONNREFUSED/);
  });

  it('when an upstream is not ready, then /ready is 503 with Retry-After', async () => {
    const response = await request(await gatewayWith(503)).get('/ready');

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body.status).toBe('unavailable');
  });

  it('when a request carries X-Request-Id, then the gateway returns the same id', async () => {
    const response = await request(await gatewayWith(200))
      .get('/health')
      .set('X-Request-Id', 'trace-me-1');
    expect(response.headers['x-request-id']).toBe('trace-me-1');
  });

  it('when a route does not exist, then the answer is a JSON 404 carrying the request id', async () => {
    const response = await request(await gatewayWith(200))
      .get('/no-such-route')
      .set('X-Request-Id', 'trace-me-2');

    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { code: 'not_found', message: 'No route for GET /no-such-route', details: [], request_id: 'trace-me-2' },
    });
  });

  // Found by schemathesis (reliability/test/schemathesis.test.ts): DELETE /orders answered 404 as
  // if the resource did not exist.
  it.each([
    ['delete', '/orders', 'GET, HEAD, POST'],
    ['get', '/orders/async', 'POST'],
    ['patch', '/orders/0190a3b2-0000-7000-8000-000000000000', 'GET, HEAD'],
    ['get', '/orders/0190a3b2-0000-7000-8000-000000000000/status', 'PUT'],
  ] as const)(
    'when %s %s is not a method of that order route, then JSON 405 method_not_allowed with Allow: %s',
    async (method, path, allow) => {
      const response = await request(await gatewayWith(200))[method](path);

      expect(response.status).toBe(405);
      expect(response.headers['allow']).toBe(allow);
      expect(response.body.error).toMatchObject({ code: 'method_not_allowed', details: [] });
    },
  );
});
