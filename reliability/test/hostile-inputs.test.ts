/**
 * A catalogue of hostile requests, each sent through the real gateway to the real services
 * (processes, real MySQL and Kafka): each gets a clear 4xx in the shared error shape
 * `{"error":{code,message,details,request_id}}` and writes nothing (row counts and stock are
 * compared before and after, after the worker has had time to act on anything accepted).
 */
import { connect } from 'node:net';
import { createDatabase } from '@ecom/service-kit';
type Knex = ReturnType<typeof createDatabase>;
import { startTestSystem, type TestSystem } from '../src/test-system';

interface HostileCase {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** Sent as is (a string) or as JSON. */
  readonly body?: string | object;
  readonly status: number;
  readonly code: string;
}

const order = (items: unknown, extra: object = {}) => ({ user_id: 1, items, ...extra });
const JSON_TYPE = { 'content-type': 'application/json' };

const CASES: readonly HostileCase[] = [
  {
    name: 'malformed JSON (cut short)',
    method: 'POST',
    path: '/orders',
    body: '{"user_id":1,"items":[',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'malformed JSON (single quotes)',
    method: 'POST',
    path: '/products',
    body: "{'name':'x'}",
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'JSON with a __proto__ key',
    method: 'POST',
    path: '/orders/async',
    body: '{"user_id":1,"items":[{"product_id":1,"quantity":1}],"__proto__":{"admin":true}}',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    path: '/orders',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(order([{ product_id: 1, quantity: 1 }])),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'form-encoded body',
    method: 'POST',
    path: '/products',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'name=x&price=1&stock=1',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'huge quantity (1e308)',
    method: 'POST',
    path: '/orders',
    body: '{"user_id":1,"items":[{"product_id":1,"quantity":1e308}]}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'integer beyond 2^53 (user_id)',
    method: 'POST',
    path: '/orders/async',
    body: '{"user_id":99999999999999999999999,"items":[{"product_id":1,"quantity":1}]}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'negative quantity',
    method: 'POST',
    path: '/orders',
    body: order([{ product_id: 1, quantity: -5 }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'negative stock',
    method: 'POST',
    path: '/products',
    body: { name: 'x', price: '1.00', stock: -1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'negative price',
    method: 'POST',
    path: '/products',
    body: { name: 'x', price: '-1.00', stock: 1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'float quantity',
    method: 'POST',
    path: '/orders/async',
    body: order([{ product_id: 1, quantity: 1.5 }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'float product id',
    method: 'POST',
    path: '/orders',
    body: order([{ product_id: 1.0001, quantity: 1 }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'price with 3 decimals',
    method: 'POST',
    path: '/products',
    body: { name: 'x', price: 1.005, stock: 1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'numbers as strings',
    method: 'POST',
    path: '/orders',
    body: { user_id: '1', items: [{ product_id: '1', quantity: '1' }] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: '101 items (over maxItems)',
    method: 'POST',
    path: '/orders',
    body: order(Array.from({ length: 101 }, () => ({ product_id: 1, quantity: 1 }))),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: "10,000 items (over the services' 100 kB)",
    method: 'POST',
    path: '/orders/async',
    body: order(Array.from({ length: 10_000 }, () => ({ product_id: 1, quantity: 1 }))),
    status: 413,
    code: 'payload_too_large',
  },
  { name: 'empty items', method: 'POST', path: '/orders', body: order([]), status: 400, code: 'validation_failed' },
  {
    name: 'unicode digits as ids (fullwidth １)',
    method: 'POST',
    path: '/orders',
    body: '{"user_id":"１","items":[{"product_id":"１","quantity":1}]}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'control characters only as a name',
    method: 'POST',
    path: '/products',
    body: { name: ' \t\n ', price: '1.00', stock: 1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'control characters inside a name (NUL, ANSI escape)',
    method: 'POST',
    path: '/products',
    body: { name: 'Cof\u0000fee \u001b[2J', price: '1.00', stock: 1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'SQL in a product id',
    method: 'GET',
    path: '/products/1%20OR%201=1',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'SQL in a path (stacked query)',
    method: 'PATCH',
    path: '/products/1;DROP%20TABLE%20products',
    body: { stock: 0 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'SQL in user_id',
    method: 'POST',
    path: '/orders',
    body: { user_id: "1' OR '1'='1", items: [{ product_id: 1, quantity: 1 }] },
    status: 400,
    code: 'validation_failed',
  },
  { name: 'SQL in an order id', method: 'GET', path: "/orders/'%20OR%201=1--", status: 400, code: 'validation_failed' },
  {
    name: 'SQL in a cursor',
    method: 'GET',
    path: "/products?cursor=1'%20OR%201=1--",
    status: 400,
    code: 'invalid_cursor',
  },
  {
    name: 'over-long Idempotency-Key',
    method: 'POST',
    path: '/orders',
    headers: { 'idempotency-key': 'k'.repeat(129) },
    body: order([{ product_id: 1, quantity: 1 }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'invalid status value',
    method: 'PUT',
    path: '/orders/01900000-0000-7000-8000-000000000000/status',
    body: { status: "paid'; DROP TABLE orders;--" },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'oversize body (2 MiB, over the gateway limit)',
    method: 'POST',
    path: '/products',
    body: { name: 'x'.repeat(2 * 1024 * 1024), price: '1.00', stock: 1 },
    status: 413,
    code: 'payload_too_large',
  },
];

describe('hostile inputs through the gateway (real services, real MySQL and Kafka)', () => {
  let system: TestSystem;
  let productDb: Knex;
  let orderDb: Knex;
  let productId: number;

  const snapshot = async () => ({
    products: await count(productDb, 'products'),
    stock: Number((await productDb('products').sum({ total: 'stock' }).first())?.['total'] ?? 0),
    orders: await count(orderDb, 'orders'),
  });

  beforeAll(async () => {
    system = await startTestSystem('hostile');
    productDb = createDatabase({ ...system.databases.product, poolMax: 2 });
    orderDb = createDatabase({ ...system.databases.order, poolMax: 2 });
    const created = await fetch(`${system.gatewayUrl}/products`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ name: 'Target', price: '2.00', stock: 50 }),
    });
    productId = ((await created.json()) as { id: number }).id;
    expect(productId).toBe(1);
  }, 120_000);

  afterAll(async () => {
    await productDb?.destroy();
    await orderDb?.destroy();
    await system?.stop();
  }, 60_000);

  it.each(CASES)('when $name is sent to $method $path, then $status $code and nothing is written', async (hostile) => {
    const before = await snapshot();

    const response = await fetch(`${system.gatewayUrl}${hostile.path}`, {
      method: hostile.method,
      headers: { ...(hostile.body !== undefined && JSON_TYPE), ...hostile.headers },
      ...(hostile.body !== undefined && {
        body: typeof hostile.body === 'string' ? hostile.body : JSON.stringify(hostile.body),
      }),
    });
    const body = (await response.json()) as { error: Record<string, unknown> };

    expect({ status: response.status, code: body.error['code'] }).toEqual({
      status: hostile.status,
      code: hostile.code,
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toEqual({
      code: hostile.code,
      message: expect.any(String),
      details: expect.any(Array),
      request_id: response.headers.get('x-request-id'),
    });
    expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+|SELECT |INSERT |ER_[A-Z_]+|knex|node_modules/);
    expect(await snapshot()).toEqual(before);
  });

  it('when a valid order comes right after the catalogue, then it is placed (the checks above could pass for a broken system otherwise)', async () => {
    const response = await fetch(`${system.gatewayUrl}/orders`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify(order([{ product_id: productId, quantity: 1 }])),
    });
    expect(response.status).toBe(201);
  });

  it('when a duplicate product appears twice in one order, then the answer is 4xx or both lines reserve stock: never one reservation for two lines', async () => {
    const before = await snapshot();
    const response = await fetch(`${system.gatewayUrl}/orders`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify(
        order([
          { product_id: productId, quantity: 2 },
          { product_id: productId, quantity: 3 },
        ]),
      ),
    });
    const after = await snapshot();
    if (response.status === 201) expect(before.stock - after.stock).toBe(5);
    else {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(after).toEqual(before);
    }
  });

  it('when X-Request-Id carries a CR LF header injection, then it is replaced by a fresh id and no header is injected', async () => {
    const raw = await rawRequest(
      system.gatewayUrl,
      'GET /products HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc%0d%0aSet-Cookie:%20pwned=1\r\nConnection: close\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(raw.toLowerCase()).not.toContain('set-cookie');
    expect(raw).not.toContain('abc%0d%0a');
  });

  it('when a body is announced but only partly sent (slow loris), then 408 request_timeout in JSON after REQUEST_TIMEOUT_MS (5 s) and nothing is written', async () => {
    const before = await snapshot();
    const started = Date.now();
    const raw = await rawRequest(
      system.gatewayUrl,
      'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\nConnection: close\r\n\r\n{"user_id":1,',
      30_000,
    );
    const elapsed = Date.now() - started;
    console.log(`slow loris: answered after ${elapsed} ms: ${raw.split('\r\n')[0]}`);
    expect(raw).toMatch(/^HTTP\/1\.1 408/);
    expect(raw).toMatch(/"error":\{"code":"request_timeout"/);
    expect(elapsed).toBeLessThan(8_000);
    expect(await snapshot()).toEqual(before);
  }, 40_000);
});

async function count(db: Knex, table: string): Promise<number> {
  return Number((await db(table).count({ n: '*' }).first())?.['n'] ?? 0);
}

/** Writes `request` as is on a raw TCP connection and resolves with everything read until close. */
function rawRequest(baseUrl: string, request: string, timeoutMs = 10_000): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.once('close', () => resolve(received));
    socket.once('error', reject);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms; got: ${received}`)));
  });
}
