import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey } from 'node:crypto';
import request from 'supertest';
import { generateRsaKeyPair, generateSigningSecret, signToken } from '@ecom/auth';
import { ADMIN_ID, bearerFor, createGateway, CUSTOMER_ID, type GatewayUnderTest } from './support/gateway';
import { claims, forgeHs256, nowSeconds, unsignedToken } from './support/forged-tokens';
import { contractViolations } from './support/openapi-contract';
import { startRecordingUpstream, type RecordingUpstream } from './support/recording-upstream';

const ORDER_ID = '0192f5a0-7c1e-7cc3-9b4e-2f1d3c4b5a69';
const SPOOFED = { 'X-Auth-User-Id': '999', 'X-Auth-Role': 'admin' };

/**
 * Bearer tokens at the real gateway, in front of real HTTP servers standing in for the services:
 * who gets through, with which identity headers, and what everyone else gets back.
 */
describe('gateway authentication', () => {
  let products: RecordingUpstream;
  let orders: RecordingUpstream;
  const gateways: GatewayUnderTest[] = [];
  const gatewayWith = async (env: NodeJS.ProcessEnv = {}) => {
    const gateway = await createGateway({ PRODUCT_SERVICE_URLS: products.url, ORDER_SERVICE_URLS: orders.url, ...env });
    gateways.push(gateway);
    return gateway;
  };
  const forwarded = () => products.requests.length + orders.requests.length;
  const lastOrderRequest = () => orders.requests[orders.requests.length - 1]!;
  let gateway: GatewayUnderTest;
  let secret: string;

  beforeAll(async () => {
    [products, orders] = await Promise.all([startRecordingUpstream(), startRecordingUpstream()]);
    gateway = await gatewayWith();
    secret = gateway.signingKey?.algorithm === 'HS256' ? gateway.signingKey.secret : '';
  });

  afterAll(async () => {
    gateways.forEach((each) => each.close());
    await Promise.all([products.close(), orders.close()]);
  });

  describe('public catalogue reads', () => {
    it.each([
      ['GET', '/products'],
      ['GET', '/products?category=tea'],
      ['GET', '/products/12'],
      ['HEAD', '/products/12'],
    ])(
      'when %s %s comes without a token, then it is forwarded with no identity, spoofed headers removed',
      async (method, path) => {
        const response = await request(gateway.app)[method === 'GET' ? 'get' : 'head'](path).set(SPOOFED);

        expect(response.status).toBe(200);
        const received = products.requests[products.requests.length - 1]!;
        expect(received.url).toBe(path);
        expect(received.headers['x-auth-user-id']).toBeUndefined();
        expect(received.headers['x-auth-role']).toBeUndefined();
      },
    );
  });

  describe('a missing or invalid token', () => {
    it('when a protected route is called without a token, then 401 unauthorized with a Bearer challenge, and nothing is forwarded', async () => {
      const before = forwarded();

      const response = await request(gateway.app).post('/products').send({ name: 'x' }).set('X-Request-Id', 'no-token');

      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="ecom-api"');
      expect(response.body).toEqual({
        error: { code: 'unauthorized', message: expect.any(String), details: [], request_id: 'no-token' },
      });
      expect(contractViolations('POST', '/products', response)).toEqual([]);
      expect(forwarded()).toBe(before);
    });

    const invalidTokens: [string, () => Promise<string> | string][] = [
      ['another scheme', () => 'Basic YWRtaW46YWRtaW4='],
      ['a Bearer without a token', () => 'Bearer'],
      ['a token that is not a JWT', () => 'Bearer not-a-jwt'],
      [
        'a token signed with another secret',
        () => bearerFor({ algorithm: 'HS256', secret: generateSigningSecret() }, 'admin', 1),
      ],
      [
        'a token with its payload changed',
        async () => tamperedRole(await bearerFor(gateway.signingKey!, 'customer', 7)),
      ],
      [
        'an expired token',
        () => `Bearer ${forgeHs256(claims({ iat: nowSeconds() - 600, exp: nowSeconds() - 300 }), secret)}`,
      ],
      ['a token without exp', () => `Bearer ${forgeHs256(claims({ exp: undefined }), secret)}`],
      ['a token from another issuer', () => signed({ issuer: 'https://evil.example.com' })],
      ['a token for another audience', () => signed({ audience: 'another-api' })],
      ['a token with an unknown role', () => `Bearer ${forgeHs256(claims({ role: 'root' }), secret)}`],
      ['an unsigned token (alg: none)', () => `Bearer ${unsignedToken(claims())}`],
      ['an alg: none header over a valid signature', () => `Bearer ${forgeHs256(claims(), secret, { alg: 'none' })}`],
      [
        'an RS256 token at an HS256 gateway',
        async () =>
          bearerFor({ algorithm: 'RS256', privateKeyPem: (await generateRsaKeyPair()).privateKeyPem }, 'admin', 1),
      ],
    ];

    it.each(invalidTokens)(
      'when the request carries %s, then 401 invalid_token and nothing is forwarded',
      async (_case, authorization) => {
        const before = forwarded();

        const response = await request(gateway.app)
          .get('/orders')
          .set('Authorization', await authorization());

        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe('unauthorized');
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="ecom-api", error="invalid_token"/);
        expect(contractViolations('GET', '/orders', response)).toEqual([]);
        expect(forwarded()).toBe(before);
      },
    );

    it('when a token expired less than the clock tolerance ago, then it is still accepted', async () => {
      const token = forgeHs256(claims({ iat: nowSeconds() - 120, exp: nowSeconds() - 10 }), secret);

      const response = await request(gateway.app).get('/orders').set('Authorization', `Bearer ${token}`);

      expect(response.status).toBe(200);
    });
  });

  describe('roles', () => {
    it.each([
      ['POST', '/products'],
      ['PUT', '/products/12'],
      ['PATCH', '/products/12'],
      ['DELETE', '/products/12'],
      ['POST', '/products/12/stock-adjustments'],
      ['GET', '/products/12/anything-else'],
    ])('when a customer calls %s %s, then 403 forbidden and nothing is forwarded', async (method, path) => {
      const before = forwarded();

      const response = await gateway.as('customer')[method.toLowerCase() as 'post'](path).send({});

      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="ecom-api", error="insufficient_scope"');
      expect(forwarded()).toBe(before);
    });

    it('when a customer is refused a catalogue write, then the answer matches the spec', async () => {
      const response = await gateway.as('customer').post('/products').send({});

      expect(contractViolations('POST', '/products', response)).toEqual([]);
    });

    it.each([
      ['POST', '/orders'],
      ['POST', '/orders/async'],
      ['GET', '/orders'],
      ['GET', `/orders/${ORDER_ID}`],
      ['PUT', `/orders/${ORDER_ID}/status`],
    ])(
      'when a customer calls %s %s, then it is forwarded with the customer’s identity (the service checks ownership)',
      async (method, path) => {
        const response = await gateway.as('customer')[method.toLowerCase() as 'post'](path).set(SPOOFED).send({});

        expect(response.status).toBe(200);
        expect(lastOrderRequest()).toMatchObject({ method, url: path });
        expect(lastOrderRequest().headers).toMatchObject({
          'x-auth-user-id': String(CUSTOMER_ID),
          'x-auth-role': 'customer',
        });
      },
    );

    it('when an admin writes the catalogue, then the request is forwarded with the admin’s identity, spoofed headers replaced', async () => {
      const response = await gateway.as('admin').patch('/products/12').set(SPOOFED).send({ price: 3 });

      expect(response.status).toBe(200);
      const received = products.requests[products.requests.length - 1]!;
      expect(received.headers).toMatchObject({ 'x-auth-user-id': String(ADMIN_ID), 'x-auth-role': 'admin' });
      expect(received.headers['authorization']).toBe(gateway.bearer.admin);
    });
  });

  describe('hop-by-hop headers named by the client', () => {
    it.each([
      ['close, x-auth-user-id, x-auth-role', 'close'],
      ['keep-alive, X-Auth-Role , X-AUTH-USER-ID', 'keep-alive'],
      ['close,x-auth-role,x-request-ids', 'close, x-request-ids'],
    ])(
      'when a client sends Connection: %s, then the identity is forwarded and the upstream Connection names none of its headers',
      async (connection, kept) => {
        const response = await gateway.as('customer').get('/orders').set('Connection', connection);

        expect(response.status).toBe(200);
        const received = lastOrderRequest().headers;
        expect(received).toMatchObject({ 'x-auth-user-id': String(CUSTOMER_ID), 'x-auth-role': 'customer' });
        expect(received.connection).toBe(kept);
      },
    );

    it('when the Connection header names only identity headers, then the upstream request still goes over a kept-alive connection', async () => {
      const response = await gateway.as('admin').get('/orders').set('Connection', 'x-auth-user-id, x-auth-role');

      expect(response.status).toBe(200);
      expect(lastOrderRequest().headers).toMatchObject({ 'x-auth-user-id': String(ADMIN_ID), 'x-auth-role': 'admin' });
      expect(lastOrderRequest().headers.connection).toBe('keep-alive');
    });

    it('when an open route gets Connection naming identity headers with spoofed values, then neither the values nor the names reach the upstream', async () => {
      const response = await request(gateway.app)
        .get('/products/12')
        .set(SPOOFED)
        .set('Connection', 'close, x-auth-role');

      expect(response.status).toBe(200);
      const received = products.requests[products.requests.length - 1]!.headers;
      expect(received['x-auth-role']).toBeUndefined();
      expect(received.connection).toBe('close');
    });
  });

  describe('with AUTH_ENABLED=false (unsafe)', () => {
    it('when a write comes without a token, then it is forwarded, and identity headers from the client are still removed', async () => {
      const open = await gatewayWith({ AUTH_ENABLED: 'false' });

      const response = await request(open.app).post('/orders').set(SPOOFED).send({ user_id: 1, items: [] });

      expect(response.status).toBe(200);
      expect(lastOrderRequest().headers['x-auth-user-id']).toBeUndefined();
      expect(lastOrderRequest().headers['x-auth-role']).toBeUndefined();
    });
  });

  describe('RS256', () => {
    let keys: { privateKeyPem: string; publicKeyPem: string };
    beforeAll(async () => {
      keys = await generateRsaKeyPair();
    });

    it('when the gateway has the public key, then a token signed with the private key passes', async () => {
      const rs = await gatewayWith({ AUTH_RS256_PUBLIC_KEY: keys.publicKeyPem });

      const token = await bearerFor({ algorithm: 'RS256', privateKeyPem: keys.privateKeyPem }, 'customer', 5);
      const response = await request(rs.app).get('/orders').set('Authorization', token);

      expect(response.status).toBe(200);
      expect(lastOrderRequest().headers['x-auth-user-id']).toBe('5');
    });

    it('when a token is HS256-signed with the public key as its secret (algorithm confusion), then 401', async () => {
      const rs = await gatewayWith({ AUTH_RS256_PUBLIC_KEY: keys.publicKeyPem.replace(/\n/g, '\\n') });

      const token = await bearerFor({ algorithm: 'HS256', secret: keys.publicKeyPem }, 'admin', 1);
      const response = await request(rs.app).get('/orders').set('Authorization', token);

      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    });
  });

  describe('a JWKS URL', () => {
    let keySet: Server;
    let keySetUrl: string;
    let body = '';

    beforeAll(async () => {
      keySet = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
      await new Promise<void>((resolve) => keySet.listen(0, '127.0.0.1', resolve));
      keySetUrl = `http://127.0.0.1:${(keySet.address() as AddressInfo).port}/jwks.json`;
    });
    afterAll(() => new Promise((resolve) => keySet.close(resolve)));

    it('when the key set holds the signing key, then the token passes', async () => {
      const keys = await generateRsaKeyPair();
      body = JSON.stringify({
        keys: [{ ...createPublicKey(keys.publicKeyPem).export({ format: 'jwk' }), alg: 'RS256' }],
      });
      const viaJwks = await gatewayWith({ AUTH_JWKS_URL: keySetUrl });

      const token = await bearerFor({ algorithm: 'RS256', privateKeyPem: keys.privateKeyPem }, 'admin', 2);
      const response = await request(viaJwks.app).get('/orders').set('Authorization', token);

      expect(response.status).toBe(200);
    });

    it('when the key set cannot be read, then 503 service_unavailable, not 401', async () => {
      const keys = await generateRsaKeyPair();
      body = 'not json';
      const viaJwks = await gatewayWith({ AUTH_JWKS_URL: keySetUrl });

      const token = await bearerFor({ algorithm: 'RS256', privateKeyPem: keys.privateKeyPem }, 'admin', 2);
      const response = await request(viaJwks.app).get('/orders').set('Authorization', token);

      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('service_unavailable');
    });
  });

  describe('rate limit per subject', () => {
    it('when one user calls from two addresses, then one budget is spent; another user at the same address has its own', async () => {
      const limited = await gatewayWith({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY_HOPS: '1' });
      const call = (authorization: string, address: string) =>
        request(limited.app).get('/orders').set('Authorization', authorization).set('X-Forwarded-For', address);
      const other = await bearerFor(limited.signingKey!, 'customer', 8);

      const statuses = [
        (await call(limited.bearer.customer, '10.0.0.1')).status,
        (await call(limited.bearer.customer, '10.0.0.2')).status,
        (await call(limited.bearer.customer, '10.0.0.3')).status,
        (await call(other, '10.0.0.1')).status,
      ];

      expect(statuses).toEqual([200, 200, 429, 200]);
    });

    it('when a client sends refused tokens, then they count against its address', async () => {
      const limited = await gatewayWith({ RATE_LIMIT_PER_MINUTE: '2' });
      const refused = () => request(limited.app).get('/orders').set('Authorization', 'Bearer forged');

      const statuses = [(await refused()).status, (await refused()).status, (await refused()).status];

      expect(statuses).toEqual([401, 401, 429]);
    });
  });

  async function signed(options: { issuer?: string; audience?: string }): Promise<string> {
    return `Bearer ${await signToken({ key: gateway.signingKey!, role: 'admin', userId: 1, ...options })}`;
  }
});

/** A valid token whose payload is rewritten to say `admin`, keeping the original signature. */
function tamperedRole(bearer: string): string {
  const [header, payload, signature] = bearer.slice('Bearer '.length).split('.');
  const rewritten = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' };
  return `Bearer ${header}.${Buffer.from(JSON.stringify(rewritten)).toString('base64url')}.${signature}`;
}
