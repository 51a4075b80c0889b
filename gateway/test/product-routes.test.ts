import request from 'supertest';
import { demoProduct, startProductService, type ProductServiceUnderTest } from '@ecom/product-service/testing';
import { createGateway, type GatewayUnderTest } from './support/gateway';
import { contractViolations } from './support/openapi-contract';

/**
 * Every product route, through the real gateway app, to the real product service (in-process, on
 * a database and topic of its own), and every answer checked against docs/api/openapi.yaml.
 */
describe('gateway → product service (real service, real MySQL and Kafka)', () => {
  let product: ProductServiceUnderTest;
  let gateway: GatewayUnderTest;
  const api = () => gateway.as('admin');

  beforeAll(async () => {
    product = await startProductService();
    gateway = await createGateway({ PRODUCT_SERVICE_URLS: product.service.url });
  });

  afterAll(async () => {
    gateway.close();
    await product.tearDown();
  });

  it('when a product is created, then 201, the Location and the exact price come back and match the spec', async () => {
    const response = await api()
      .post('/products')
      .send({ ...demoProduct, price: 12.5 });

    expect(response.status).toBe(201);
    expect(response.headers['location']).toBe(`/products/${response.body.id}`);
    expect(response.body).toMatchObject({ name: demoProduct.name, price: '12.50', stock: 10, version: 1 });
    expect(contractViolations('POST', '/products', response)).toEqual([]);
  });

  it('when products are listed with filters and a page size, then the query reaches the service unchanged', async () => {
    for (const name of ['Gw tea 1', 'Gw tea 2', 'Gw tea 3']) {
      await api()
        .post('/products')
        .send({ ...demoProduct, name, category: 'gw-list' })
        .expect(201);
    }

    const first = await api().get('/products?category=gw-list&limit=2&in_stock=true');
    const second = await api().get(`/products?category=gw-list&limit=2&cursor=${first.body.next_cursor}`);

    expect(first.status).toBe(200);
    expect(first.body.items.map((item: { name: string }) => item.name)).toEqual(['Gw tea 1', 'Gw tea 2']);
    expect(second.body).toMatchObject({ items: [{ name: 'Gw tea 3' }], next_cursor: null });
    expect(contractViolations('GET', '/products', first)).toEqual([]);
    expect(contractViolations('GET', '/products', second)).toEqual([]);
  });

  it('when one product is read, replaced, patched and deleted, then each answer is the service’s and matches the spec', async () => {
    const { body: created } = await api().post('/products').send(demoProduct).expect(201);
    const path = `/products/${created.id}`;

    const read = await api().get(path);
    const replaced = await api()
      .put(path)
      .set('If-Match', read.headers['etag']!)
      .send({ name: 'Replaced', description: null, category: 'tea', price: '3.10', stock: 4 });
    const patched = await api().patch(path).send({ price: 99.9 });
    const deleted = await api().delete(path).set('If-Match', patched.headers['etag']!);
    const gone = await api().get(path);

    expect([read.status, replaced.status, patched.status, deleted.status, gone.status]).toEqual([
      200, 200, 200, 204, 404,
    ]);
    expect(read.body).toEqual(created);
    expect([read.headers['etag'], replaced.headers['etag'], patched.headers['etag']]).toEqual(['"1"', '"2"', '"3"']);
    expect(replaced.body).toMatchObject({ name: 'Replaced', price: '3.10', version: 2 });
    expect(patched.body).toMatchObject({ name: 'Replaced', price: '99.90', version: 3 });
    expect(contractViolations('GET', '/products/{id}', read)).toEqual([]);
    expect(contractViolations('PUT', '/products/{id}', replaced)).toEqual([]);
    expect(contractViolations('PATCH', '/products/{id}', patched)).toEqual([]);
    expect(contractViolations('DELETE', '/products/{id}', deleted)).toEqual([]);
    expect(contractViolations('GET', '/products/{id}', gone)).toEqual([]);
  });

  it('when a write carries a stale If-Match or sets stock without one, then the service’s 412 and 428 come back as the spec says', async () => {
    const created = await api().post('/products').send(demoProduct).expect(201);
    const path = `/products/${created.body.id}`;
    await api().patch(path).send({ price: '13.00' }).expect(200);

    const stale = await api().put(path).set('If-Match', created.headers['etag']!).send(demoProduct);
    const unconditional = await api().patch(path).send({ stock: 1 });

    expect([stale.status, unconditional.status]).toEqual([412, 428]);
    expect([stale.body.error.code, unconditional.body.error.code]).toEqual([
      'precondition_failed',
      'precondition_required',
    ]);
    expect(contractViolations('PUT', '/products/{id}', stale)).toEqual([]);
    expect(contractViolations('PATCH', '/products/{id}', unconditional)).toEqual([]);
  });

  it('when stock is adjusted by a delta, then the product comes back with its ETag, and a short one gets 409, as the spec says', async () => {
    const { body: created } = await api().post('/products').send(demoProduct).expect(201);
    const path = `/products/${created.id}/stock-adjustments`;

    const added = await api().post(path).send({ delta: 5 });
    const tooMany = await api().post(path).send({ delta: -100 });

    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ stock: demoProduct.stock + 5, version: 2 });
    expect(added.headers['etag']).toBe('"2"');
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.code).toBe('insufficient_stock');
    expect(contractViolations('POST', '/products/{id}/stock-adjustments', added)).toEqual([]);
    expect(contractViolations('POST', '/products/{id}/stock-adjustments', tooMany)).toEqual([]);
  });

  it.each([
    ['an invalid body', 'POST', '/products', (r: request.Test) => r.send({ stock: -1 }), 400, 'validation_failed'],
    [
      'malformed JSON',
      'POST',
      '/products',
      (r: request.Test) => r.set('Content-Type', 'application/json').send('{"name": '),
      400,
      'malformed_json',
    ],
    [
      'a non-JSON body',
      'POST',
      '/products',
      (r: request.Test) => r.set('Content-Type', 'text/plain').send('x'),
      415,
      'unsupported_media_type',
    ],
    [
      'a body over the limit (the gateway refuses it first)',
      'POST',
      '/products',
      (r: request.Test) => r.send({ ...demoProduct, description: 'x'.repeat(200_000) }),
      413,
      'payload_too_large',
    ],
    [
      'a bad list parameter',
      'GET',
      '/products',
      (r: request.Test) => r.query({ limit: 500 }),
      400,
      'validation_failed',
    ],
    ['a bad cursor', 'GET', '/products', (r: request.Test) => r.query({ cursor: 'nope' }), 400, 'invalid_cursor'],
    ['an unknown product', 'GET', '/products/{id}', (r: request.Test) => r, 404, 'not_found'],
    [
      'a non-numeric id',
      'PATCH',
      '/products/{id}',
      (r: request.Test) => r.send({ stock: 1 }),
      400,
      'validation_failed',
    ],
  ])(
    'when a request has %s, then the refusal keeps its status and error body and matches the spec',
    async (_case, method, specPath, build, status, code) => {
      const path =
        specPath === '/products/{id}' ? (method === 'GET' ? '/products/987654321' : '/products/abc') : specPath;
      const agent = api();
      const pending = method === 'GET' ? agent.get(path) : method === 'POST' ? agent.post(path) : agent.patch(path);

      const response = await build(pending.set('X-Request-Id', `refusal-${code}`));

      expect(response.status).toBe(status);
      expect(response.body.error).toMatchObject({ code, request_id: `refusal-${code}` });
      expect(contractViolations(method, specPath, response)).toEqual([]);
    },
  );

  it('when a request carries X-Request-Id, then the service receives it and both return it', async () => {
    const response = await api().get('/products/987654321').set('X-Request-Id', 'trace-product-1');

    expect(response.headers['x-request-id']).toBe('trace-product-1');
    // The error body is written by the product service: it saw the id the gateway forwarded.
    expect(response.body.error.request_id).toBe('trace-product-1');
  });

  it('when a request has no X-Request-Id, then the gateway makes one and the service uses the same', async () => {
    const response = await api().get('/products/987654321');

    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.error.request_id).toBe(response.headers['x-request-id']);
  });

  it('when the internal reservation API is called through the gateway, then 404 and no stock is reserved', async () => {
    const { body: created } = await api().post('/products').send(demoProduct).expect(201);
    const reservation = { order_id: 'through-gateway', items: [{ product_id: created.id, quantity: 1 }] };

    const responses = await Promise.all([
      api().post('/internal/reservations').send(reservation),
      api().post('/products/../internal/reservations').send(reservation),
      api().post('/products/%2e%2e/internal/reservations').send(reservation),
    ]);

    expect(responses.map((response) => response.status)).toEqual([404, 404, 404]);
    expect(responses[0]!.body.error.code).toBe('not_found');
    expect((await api().get(`/products/${created.id}`)).body.stock).toBe(demoProduct.stock);
  });
});
