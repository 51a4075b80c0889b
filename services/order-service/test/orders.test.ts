import { randomUUID } from 'node:crypto';
import { findStockImbalances } from '@ecom/product-service/testing';
import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

describe('placing and reading orders (real MySQL, Kafka and product service)', () => {
  let sut: OrderSystemUnderTest;
  const countOrders = async () => Number((await sut.db('orders').count({ n: '*' }).first())?.['n']);

  beforeAll(async () => {
    sut = await startOrderSystem();
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  it('when a sync order is valid, then 201 returns the order priced by the catalogue, not the client', async () => {
    const productId = await sut.createProduct(10, '4.25');
    const response = await sut.api
      .post('/orders')
      .send({ user_id: 7, items: [{ product_id: productId, quantity: 2, unit_price: '0.01' }], total_amount: '0.01' });

    expect(response.status).toBe(201);
    expect(response.headers['location']).toBe(`/orders/${response.body.id}`);
    expect(response.body).toMatchObject({
      user_id: 7,
      status: 'pending',
      mode: 'sync',
      items: [{ product_id: productId, quantity: 2, unit_price: '4.25' }],
      total_amount: '8.50',
      rejection_reason: null,
    });
    expect(await sut.stockOf(productId)).toBe(8);
    expect((await sut.api.get(response.headers['location']!)).body).toEqual(response.body);
  });

  it('when a sync order asks for more than the stock, then 409 names the short item and nothing is stored', async () => {
    const productId = await sut.createProduct(1);
    const before = await countOrders();
    const response = await sut.api
      .post('/orders')
      .send({ user_id: 1, items: [{ product_id: productId, quantity: 2 }] });

    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({
      code: 'insufficient_stock',
      details: [expect.objectContaining({ product_id: productId, available: 1 })],
    });
    expect(await countOrders()).toBe(before);
    expect(await sut.stockOf(productId)).toBe(1);
  });

  it('when a sync order names an unknown product, then 422 and nothing is stored', async () => {
    const before = await countOrders();
    const response = await sut.api.post('/orders').send({ user_id: 1, items: [{ product_id: 99999999, quantity: 1 }] });

    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('unknown_product');
    expect(await countOrders()).toBe(before);
  });

  it.each([
    ['no items', { user_id: 1, items: [] }, ['items']],
    ['a zero quantity', { user_id: 1, items: [{ product_id: 1, quantity: 0 }] }, ['items.0.quantity']],
    ['a fractional quantity', { user_id: 1, items: [{ product_id: 1, quantity: 1.5 }] }, ['items.0.quantity']],
    ['a user id given as text', { user_id: '1', items: [{ product_id: 1, quantity: 1 }] }, ['user_id']],
    ['no body at all', undefined, ['user_id', 'items']],
  ])(
    'when the body has %s, then both endpoints answer 400 naming the field and nothing is written',
    async (_case, body, fields) => {
      const before = await countOrders();
      for (const path of ['/orders', '/orders/async']) {
        const response = await sut.api.post(path).send(body as object);
        expect(response.status).toBe(400);
        const named = response.body.error.details.map((detail: { field?: string }) => detail.field ?? '(body)');
        expect(named).toEqual(fields);
      }
      expect(await countOrders()).toBe(before);
    },
  );

  it('when an async order is accepted, then 202 comes with a Location that reads processing, then the placed order', async () => {
    const productId = await sut.createProduct(5, '3.10');
    const response = await sut.api
      .post('/orders/async')
      .send({ user_id: 3, items: [{ product_id: productId, quantity: 2 }] });

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ id: expect.any(String), status: 'accepted' });
    expect(response.headers['location']).toBe(`/orders/${response.body.id}`);
    const order = await sut.awaitOrder(response.body.id);
    expect(order).toMatchObject({ status: 'pending', mode: 'async', total_amount: '6.20' });
    expect(await sut.stockOf(productId)).toBe(3);
  });

  it('when the same request is placed sync and async, then the resulting orders are identical but for id, mode and times', async () => {
    const productA = await sut.createProduct(10, '1.99');
    const productB = await sut.createProduct(10, '0.05');
    const body = {
      user_id: 11,
      items: [
        { product_id: productB, quantity: 3 },
        { product_id: productA, quantity: 1 },
      ],
    };

    const sync = (await sut.api.post('/orders').send(body).expect(201)).body;
    const accepted = (await sut.api.post('/orders/async').send(body).expect(202)).body;
    const async = await sut.awaitOrder(accepted.id);

    const comparable = ({ id: _id, mode: _mode, created_at: _c, updated_at: _u, ...rest }: Record<string, unknown>) =>
      rest;
    expect(comparable(async)).toEqual(comparable(sync));
  });

  it('when an async order cannot be served, then it is stored as rejected with the reason', async () => {
    const productId = await sut.createProduct(1);
    const accepted = (
      await sut.api
        .post('/orders/async')
        .send({ user_id: 1, items: [{ product_id: productId, quantity: 5 }] })
        .expect(202)
    ).body;

    const order = await sut.awaitOrder(accepted.id);
    expect(order).toMatchObject({
      status: 'rejected',
      total_amount: null,
      rejection_reason: expect.stringContaining('insufficient_stock'),
    });
    expect(await sut.stockOf(productId)).toBe(1);
  });

  it('when an order id was never issued, then GET is 404; a malformed id is 400', async () => {
    expect((await sut.api.get(`/orders/${randomUUID()}`)).status).toBe(404);
    expect((await sut.api.get('/orders/not-an-id')).status).toBe(400);
  });

  it('when orders are listed by user and status, then pages follow creation order without repeats', async () => {
    const productId = await sut.createProduct(50);
    const ids = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push(
        (
          await sut.api
            .post('/orders')
            .send({ user_id: 4242, items: [{ product_id: productId, quantity: 1 }] })
            .expect(201)
        ).body.id,
      );
    }
    const first = await sut.api.get('/orders?user_id=4242&status=pending&limit=3').expect(200);
    const second = await sut.api
      .get(`/orders?user_id=4242&status=pending&limit=3&cursor=${first.body.next_cursor}`)
      .expect(200);

    expect([...first.body.items, ...second.body.items].map((order: { id: string }) => order.id)).toEqual(ids);
    expect(second.body.next_cursor).toBeNull();
    expect((await sut.api.get('/orders?status=lost')).status).toBe(400);
  });

  describe('lifecycle', () => {
    const placeOne = async (quantity = 2) => {
      const productId = await sut.createProduct(10);
      const order = (
        await sut.api
          .post('/orders')
          .send({ user_id: 1, items: [{ product_id: productId, quantity }] })
          .expect(201)
      ).body;
      return { productId, order };
    };
    const move = (id: string, status: string) => sut.api.put(`/orders/${id}/status`).send({ status });

    it('when an order goes pending → paid → shipped → delivered, then each step is accepted', async () => {
      const { order } = await placeOne();
      for (const status of ['paid', 'shipped', 'delivered']) {
        expect((await move(order.id, status)).body.status).toBe(status);
      }
    });

    it('when a move is not allowed, then 409 names the allowed next states', async () => {
      const { order } = await placeOne();
      const response = await move(order.id, 'delivered');
      expect(response.status).toBe(409);
      expect(response.body.error.details[0].allowed).toEqual(['paid', 'cancelled']);
    });

    it('when an order is moved to the status it already has, then 200 with the order and nothing changes', async () => {
      const { order } = await placeOne();
      const paid = await move(order.id, 'paid').expect(200);

      const again = await move(order.id, 'paid');

      expect(again.status).toBe(200);
      expect(again.body).toEqual(paid.body);
    });

    it('when the status is unknown, then 400', async () => {
      const { order } = await placeOne();
      expect((await move(order.id, 'teleported')).status).toBe(400);
      expect((await move(order.id, 'PAID')).status).toBe(400);
    });

    it('when a paid order is cancelled many times at once, then its stock comes back exactly once', async () => {
      const { order, productId } = await placeOne(3);
      await move(order.id, 'paid').expect(200);

      const responses = await Promise.all(Array.from({ length: 5 }, () => move(order.id, 'cancelled')));

      expect(responses.every((response) => response.status === 200 && response.body.status === 'cancelled')).toBe(true);
      expect(await sut.stockOf(productId)).toBe(10);
      expect(await findStockImbalances(sut.product.db)).toEqual([]);
      expect((await move(order.id, 'paid')).status).toBe(409);
    });
  });
});
