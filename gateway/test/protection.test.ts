import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createGateway, type GatewayUnderTest } from './support/gateway';
import { contractViolations } from './support/openapi-contract';
import { startRecordingUpstream, type RecordingUpstream } from './support/recording-upstream';

describe('gateway protection: rate limit, body limit, security headers, CORS', () => {
  let orders: RecordingUpstream;
  const gateways: GatewayUnderTest[] = [];
  const gatewayWith = async (env: NodeJS.ProcessEnv) => {
    // The recording server answers for both services: catalogue reads are public, orders need a token.
    const gateway = await createGateway({ ORDER_SERVICE_URLS: orders.url, PRODUCT_SERVICE_URLS: orders.url, ...env });
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    orders = await startRecordingUpstream();
  });

  afterAll(async () => {
    gateways.forEach((gateway) => gateway.close());
    await orders.close();
  });

  it('when a client goes over RATE_LIMIT_PER_MINUTE, then 429 rate_limited with Retry-After, and the service is spared', async () => {
    const gateway = await gatewayWith({ RATE_LIMIT_PER_MINUTE: '3' });
    const before = orders.requests.length;

    const allowed = [];
    for (let index = 0; index < 3; index += 1) allowed.push(await gateway.as().get('/orders'));
    const refused = await gateway.as().get('/orders').set('X-Request-Id', 'trace-429');

    expect(allowed.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(allowed[0]!.headers['ratelimit']).toMatch(/limit=3, remaining=2/);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', request_id: 'trace-429' });
    expect(contractViolations('GET', '/orders', refused)).toEqual([]);
    expect(orders.requests.length - before).toBe(3);
    expect((await request(gateway.app).get('/health')).status).toBe(200); // operability routes are not limited
  });

  it('when the gateway trusts one proxy hop, then anonymous clients behind it are told apart by X-Forwarded-For', async () => {
    const gateway = await gatewayWith({ RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY_HOPS: '1' });
    // The trusted proxy (here: the test's own socket) appends the address it saw to the header.
    // Anonymous catalogue reads: counted by address (a token's user is counted by its subject).
    const from = (chain: string) => request(gateway.app).get('/products').set('X-Forwarded-For', chain);

    const statuses = [
      (await from('10.0.0.2')).status,
      (await from('10.0.0.3')).status,
      (await from('203.0.113.9, 10.0.0.2')).status, // a client cannot escape its budget by prepending
    ];

    expect(statuses).toEqual([200, 200, 429]);
  });

  it('when RATE_LIMIT_ENABLED is false, then no request is refused', async () => {
    const gateway = await gatewayWith({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '1' });

    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await gateway.as().get('/orders')).status);

    expect(statuses).toEqual([200, 200, 200]);
  });

  it('when a body declares more than GATEWAY_BODY_LIMIT_BYTES, then 413 payload_too_large and nothing is forwarded', async () => {
    const gateway = await gatewayWith({ GATEWAY_BODY_LIMIT_BYTES: '1024' });
    const before = orders.requests.length;

    const response = await gateway
      .as()
      .post('/orders')
      .send({ user_id: 1, items: [], padding: 'x'.repeat(2_000) });

    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
    expect(contractViolations('POST', '/orders', response)).toEqual([]);
    expect(orders.requests.length).toBe(before);
  });

  it('when a chunked body (no Content-Length) streams past the limit, then 413 payload_too_large', async () => {
    const gateway = await gatewayWith({ GATEWAY_BODY_LIMIT_BYTES: '1024' });
    const server = gateway.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));

    try {
      const response = await sendChunked((server.address() as AddressInfo).port, '/orders', gateway.bearer.admin, [
        'a'.repeat(800),
        'b'.repeat(800),
      ]);

      expect(response.status).toBe(413);
      expect(JSON.parse(response.body).error.code).toBe('payload_too_large');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('when a chunked body stays within the limit, then it streams to the service complete', async () => {
    const gateway = await gatewayWith({ GATEWAY_BODY_LIMIT_BYTES: '1024' });
    const server = gateway.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));

    try {
      const response = await sendChunked((server.address() as AddressInfo).port, '/orders', gateway.bearer.admin, [
        '{"user_id":',
        '1}',
      ]);

      expect(response.status).toBe(200);
      expect(orders.requests[orders.requests.length - 1]!.body).toBe('{"user_id":1}');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('when any response leaves the gateway, then it carries helmet security headers and a closed CSP', async () => {
    const response = await (await gatewayWith({})).as().get('/orders');

    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(response.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('when CORS_ORIGINS lists an origin, then that origin may call and read the headers, and others get no CORS headers', async () => {
    const gateway = await gatewayWith({ CORS_ORIGINS: 'https://shop.example.com' });

    const allowed = await gateway.as().get('/orders').set('Origin', 'https://shop.example.com');
    const other = await gateway.as().get('/orders').set('Origin', 'https://evil.example.com');
    const preflight = await request(gateway.app)
      .options('/orders')
      .set('Origin', 'https://shop.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,idempotency-key');

    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(allowed.headers['access-control-expose-headers']).toContain('Location');
    expect(allowed.headers['access-control-expose-headers']).toContain('ETag');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('Idempotency-Key');
    expect(preflight.headers['access-control-allow-headers']).toContain('If-Match');
    expect(preflight.headers['access-control-allow-headers']).toContain('Authorization');
  });

  it('when no CORS_ORIGINS are configured, then no response carries CORS headers', async () => {
    const response = await (await gatewayWith({})).as().get('/orders').set('Origin', 'https://shop.example.com');

    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

/** POSTs `chunks` with Transfer-Encoding: chunked (no Content-Length), as a streaming client would. */
function sendChunked(
  port: number,
  path: string,
  authorization: string,
  chunks: readonly string[],
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { port, host: '127.0.0.1', path, method: 'POST', headers: { 'content-type': 'application/json', authorization } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}
