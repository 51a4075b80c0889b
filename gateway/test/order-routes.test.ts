import { createGateway, type GatewayUnderTest } from './support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from './support/recording-upstream';

const ORDER_ID = '0192f5a0-7c1e-7cc3-9b4e-2f1d3c4b5a69';
const order = { user_id: 7, items: [{ product_id: 3, quantity: 2 }] };

/**
 * The order routes, through the real gateway app, to a real HTTP server standing in for the order
 * service: what the server receives and what the client gets back are compared byte for byte.
 */
describe('gateway → order service (recording upstream)', () => {
  let orders: RecordingUpstream;
  let products: RecordingUpstream;
  let gateway: GatewayUnderTest;
  const api = () => gateway.as('admin');
  const lastRequest = () => orders.requests[orders.requests.length - 1]!;

  beforeAll(async () => {
    [orders, products] = await Promise.all([startRecordingUpstream(), startRecordingUpstream()]);
    gateway = await createGateway({ ORDER_SERVICE_URLS: orders.url, PRODUCT_SERVICE_URLS: products.url });
  });

  afterAll(async () => {
    gateway.close();
    await Promise.all([orders.close(), products.close()]);
  });

  it('when an order is placed with an Idempotency-Key, then method, path, body and headers arrive unchanged and 201 + Location come back', async () => {
    orders.respondWith({ status: 201, headers: { Location: `/orders/${ORDER_ID}` }, body: { id: ORDER_ID } });
    const body = JSON.stringify(order);

    const response = await api()
      .post('/orders')
      .set('Content-Type', 'application/json')
      .set('Idempotency-Key', 'order-7f3a:retry/1 +=')
      .set('X-Request-Id', 'trace-order-1')
      .send(body);

    expect(response.status).toBe(201);
    expect(response.headers['location']).toBe(`/orders/${ORDER_ID}`);
    expect(response.headers['x-request-id']).toBe('trace-order-1');
    expect(response.body).toEqual({ id: ORDER_ID });
    expect(lastRequest()).toMatchObject({ method: 'POST', url: '/orders', body });
    expect(lastRequest().headers).toMatchObject({
      'idempotency-key': 'order-7f3a:retry/1 +=',
      'x-request-id': 'trace-order-1',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
  });

  it('when an order is placed asynchronously, then 202, Location and the body come back unchanged', async () => {
    orders.respondWith({
      status: 202,
      headers: { Location: `/orders/${ORDER_ID}` },
      body: { id: ORDER_ID, status: 'accepted' },
    });

    const response = await api().post('/orders/async').set('Idempotency-Key', 'key-2').send(order);

    expect(response.status).toBe(202);
    expect(response.headers['location']).toBe(`/orders/${ORDER_ID}`);
    expect(response.body).toEqual({ id: ORDER_ID, status: 'accepted' });
    expect(lastRequest()).toMatchObject({ method: 'POST', url: '/orders/async', body: JSON.stringify(order) });
    expect(lastRequest().headers['idempotency-key']).toBe('key-2');
  });

  it('when an accepted order is polled while processing, then 202 with Retry-After comes back', async () => {
    orders.respondWith({ status: 202, headers: { 'Retry-After': '1' }, body: { id: ORDER_ID, status: 'processing' } });

    const response = await api().get(`/orders/${ORDER_ID}`);

    expect(response.status).toBe(202);
    expect(response.headers['retry-after']).toBe('1');
    expect(lastRequest()).toMatchObject({ method: 'GET', url: `/orders/${ORDER_ID}`, body: '' });
  });

  it('when orders are listed, then the query string arrives exactly as sent', async () => {
    orders.respondWith({ status: 200, body: { items: [], next_cursor: null } });

    const response = await api().get('/orders?user_id=7&status=paid&limit=5&cursor=abc%2Bdef&x=%C3%A4');

    expect(response.status).toBe(200);
    expect(lastRequest()).toMatchObject({
      method: 'GET',
      url: '/orders?user_id=7&status=paid&limit=5&cursor=abc%2Bdef&x=%C3%A4',
    });
  });

  it('when a status change is refused, then the 409 and its error body come back unchanged', async () => {
    const refusal = { error: { code: 'invalid_transition', message: 'no', details: [], request_id: 'r' } };
    orders.respondWith({ status: 409, body: refusal });

    const response = await api().put(`/orders/${ORDER_ID}/status`).send({ status: 'shipped' });

    expect(response.status).toBe(409);
    expect(response.body).toEqual(refusal);
    expect(lastRequest()).toMatchObject({
      method: 'PUT',
      url: `/orders/${ORDER_ID}/status`,
      body: '{"status":"shipped"}',
    });
  });

  it('when the service is overloaded, then 503 and Retry-After come back unchanged', async () => {
    orders.respondWith({
      status: 503,
      headers: { 'Retry-After': '2' },
      body: { error: { code: 'service_unavailable' } },
    });

    const response = await api().post('/orders/async').send(order);

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
  });

  it.each([
    ['DELETE', `/orders/${ORDER_ID}`, 405, 'method_not_allowed'],
    ['PATCH', '/orders', 405, 'method_not_allowed'],
    ['GET', '/orders/async/extra', 404, 'not_found'],
    ['POST', `/orders/${ORDER_ID}`, 405, 'method_not_allowed'],
    ['GET', `/orders/${ORDER_ID}/status`, 405, 'method_not_allowed'],
    ['POST', '/internal/reservations', 404, 'not_found'],
    ['POST', '/internal/reservations/abc/release', 404, 'not_found'],
    ['GET', '/ordersx', 404, 'not_found'],
  ] as const)(
    'when %s %s is asked for, then the gateway answers JSON %i %s and forwards nothing',
    async (method, path, status, code) => {
      const before = orders.requests.length + products.requests.length;

      const response = await api()[method.toLowerCase() as 'get'](path).send();

      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body.error.code).toBe(code);
      expect(orders.requests.length + products.requests.length).toBe(before);
    },
  );
});
