import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

describe('sync orders over capacity', () => {
  let sut: OrderSystemUnderTest;

  beforeAll(async () => {
    // One sync order at a time, one waiting, for 1 ms: a burst is mostly over capacity.
    sut = await startOrderSystem({
      worker: false,
      env: { SYNC_MAX_IN_FLIGHT: '1', SYNC_MAX_QUEUED: '1', SYNC_QUEUE_WAIT_MS: '1' },
    });
  });

  afterAll(() => sut.tearDown());

  test('when more arrive than may run or wait, then the surplus gets 503 overloaded with Retry-After and nothing is stored or reserved for it', async () => {
    const productId = await sut.createProduct(1_000, '2.50');
    const body = { user_id: 5, items: [{ product_id: productId, quantity: 1 }] };

    const responses = await Promise.all(Array.from({ length: 30 }, () => sut.api.post('/orders').send(body)));

    const placed = responses.filter((response) => response.status === 201);
    const shed = responses.filter((response) => response.status === 503);
    expect(placed.length + shed.length).toBe(30);
    expect(placed.length).toBeGreaterThanOrEqual(1);
    expect(shed.length).toBeGreaterThanOrEqual(1);
    for (const response of shed) {
      expect(response.headers['retry-after']).toBe('1');
      expect(response.body.error).toMatchObject({ code: 'overloaded', request_id: expect.any(String) });
    }
    const stored = await sut.db('orders').where({ user_id: 5 }).count({ n: '*' }).first();
    expect(Number(stored?.['n'])).toBe(placed.length);
    expect(await sut.stockOf(productId)).toBe(1_000 - placed.length);
  });

  test('when the burst is over, then sync orders are placed again', async () => {
    const productId = await sut.createProduct(10, '1.00');
    const response = await sut.api
      .post('/orders')
      .send({ user_id: 6, items: [{ product_id: productId, quantity: 2 }] });
    expect(response.status).toBe(201);
  });
});
