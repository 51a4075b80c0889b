import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

describe('Idempotency-Key on both POST endpoints (real MySQL)', () => {
  let sut: OrderSystemUnderTest;
  let productId: number;

  beforeAll(async () => {
    sut = await startOrderSystem();
    productId = await sut.createProduct(1_000);
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  const body = (quantity = 1) => ({ user_id: 5, items: [{ product_id: productId, quantity }] });
  const ordersOfUser = async () =>
    Number((await sut.db('orders').where({ user_id: 5 }).count({ n: '*' }).first())?.['n']);

  it('when 50 retries with one key arrive at once, then exactly one order is created and every success is the same answer', async () => {
    const before = await ordersOfUser();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => sut.api.post('/orders').set('Idempotency-Key', 'key-concurrent').send(body(2))),
    );

    const created = responses.filter((response) => response.status === 201);
    const inFlight = responses.filter((response) => response.status === 409);
    expect(created.length + inFlight.length).toBe(50);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((response) => response.body.id)).size).toBe(1);
    inFlight.forEach((response) => {
      expect(response.body.error.code).toBe('idempotency_in_flight');
      expect(response.headers['retry-after']).toBe('1');
    });
    expect(await ordersOfUser()).toBe(before + 1);

    const later = await sut.api.post('/orders').set('Idempotency-Key', 'key-concurrent').send(body(2));
    expect(later.status).toBe(201);
    expect(later.body).toEqual(created[0]!.body);
    expect(later.headers['location']).toBe(`/orders/${created[0]!.body.id}`);
  });

  it('when a key is reused with a different body, then 422 and nothing is created', async () => {
    await sut.api.post('/orders').set('Idempotency-Key', 'key-changed').send(body(1)).expect(201);
    const before = await ordersOfUser();

    const response = await sut.api.post('/orders').set('Idempotency-Key', 'key-changed').send(body(3));

    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('idempotency_key_reused');
    expect(await ordersOfUser()).toBe(before);
  });

  it('when the same body comes with its keys in another order, then it counts as the same request', async () => {
    const first = await sut.api
      .post('/orders')
      .set('Idempotency-Key', 'key-order')
      .send({ user_id: 5, items: [{ product_id: productId, quantity: 1 }] });
    const second = await sut.api
      .post('/orders')
      .set('Idempotency-Key', 'key-order')
      .send({ items: [{ quantity: 1, product_id: productId }], user_id: 5 });
    expect(second.body).toEqual(first.body);
  });

  it('when a refused request is retried with its key, then the same refusal comes back and no stock moves', async () => {
    const scarce = await sut.createProduct(1);
    const payload = { user_id: 5, items: [{ product_id: scarce, quantity: 2 }] };
    const first = await sut.api.post('/orders').set('Idempotency-Key', 'key-refused').send(payload);
    const second = await sut.api.post('/orders').set('Idempotency-Key', 'key-refused').send(payload);

    expect(first.status).toBe(409);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe(first.body.error.code);
    expect(second.body.error.details).toEqual(first.body.error.details);
  });

  it('when an async request is retried with its key, then one order id is given and one order placed', async () => {
    const responses = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      responses.push(await sut.api.post('/orders/async').set('Idempotency-Key', 'key-async').send(body(4)));
    }
    expect(responses.map((response) => response.status)).toEqual([202, 202, 202]);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    const order = await sut.awaitOrder(responses[0]!.body.id);
    expect(order['status']).toBe('pending');
    expect(Number((await sut.db('orders').where({ id: responses[0]!.body.id }).count({ n: '*' }).first())?.['n'])).toBe(
      1,
    );
  });

  it('when the key is over-long, then 400', async () => {
    const response = await sut.api.post('/orders').set('Idempotency-Key', 'k'.repeat(129)).send(body());
    expect(response.status).toBe(400);
  });

  // Found by schemathesis (reliability/test/schemathesis.test.ts): an empty key was taken for "no
  // key", so the order was placed unprotected while the client believed it could retry safely.
  it.each(['/orders', '/orders/async'])(
    'when %s gets an empty or blank key, then 400 and no order is created',
    async (path) => {
      const before = await ordersOfUser();

      const responses = [
        await sut.api.post(path).set('Idempotency-Key', '').send(body()),
        await sut.api.post(path).set('Idempotency-Key', '   ').send(body()),
      ];

      expect(responses.map((response) => response.status)).toEqual([400, 400]);
      expect(responses[0]!.body.error).toMatchObject({ code: 'validation_failed' });
      expect(await ordersOfUser()).toBe(before);
    },
  );
});
