/**
 * A copy of the whole system (real processes from dist/, real MySQL and Kafka) with the gateway's
 * authentication on, as tests and benchmarks start it: the copy's own key signs the tokens.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signToken, type SigningKey } from '@ecom/auth';
import { uniqueSuffix } from '@ecom/service-kit/testing';
import { startSystem } from '../src/system/system-launch';
import type { LaunchedSystem } from '../src/system/system-handle';

const product = { name: 'Auth tea', description: null, category: 'tea', price: '4.20', stock: 5 };

describe('a copy of the system with authentication on', () => {
  let system: LaunchedSystem;
  let key: SigningKey;

  beforeAll(async () => {
    const suffix = uniqueSuffix();
    system = await startSystem({
      copy: {
        productDb: `product_db_test_${suffix}`,
        orderDb: `order_db_test_${suffix}`,
        topicPrefix: `test.launcher-auth.${suffix}`,
        workerGroup: `test-launcher-auth-${suffix}`,
        dropOnStop: true,
      },
      logDir: path.join(tmpdir(), `launcher-auth-${suffix}`),
    });
    key = system.signingKey!;
  }, 120_000);

  afterAll(() => system?.stop());

  const call = async (method: string, url: string, token?: string, body?: object) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    const response = await fetch(`${system.gatewayUrl}${url}`, {
      method,
      headers,
      body: body && JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { id?: number; error?: { code: string } } };
  };

  it('when the copy is up, then its handle holds a fresh HS256 key', () => {
    expect(key).toEqual({ algorithm: 'HS256', secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('when products are written without a token, as a customer and as an admin, then 401, 403 and 201; reads are public', async () => {
    const admin = await signToken({ key, role: 'admin', userId: 1 });
    const customer = await signToken({ key, role: 'customer', userId: 42 });

    const anonymous = await call('POST', '/products', undefined, product);
    const asCustomer = await call('POST', '/products', customer, product);
    const asAdmin = await call('POST', '/products', admin, product);
    const read = await call('GET', `/products/${asAdmin.body.id}`);

    expect([anonymous.status, asCustomer.status, asAdmin.status, read.status]).toEqual([401, 403, 201, 200]);
    expect(anonymous.body.error?.code).toBe('unauthorized');
    expect(asCustomer.body.error?.code).toBe('forbidden');
  });

  it('when a token is signed with another key, then the gateway refuses it', async () => {
    const forged = await signToken({ key: { algorithm: 'HS256', secret: 'x'.repeat(43) }, role: 'admin', userId: 1 });

    expect((await call('GET', '/orders', forged)).status).toBe(401);
  });
});
