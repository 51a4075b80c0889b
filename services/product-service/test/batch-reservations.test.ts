import { randomUUID } from 'node:crypto';
import { findStockImbalances } from '../src/data/stock-conservation.query';
import { startProductService, type ProductServiceUnderTest } from './support/product-service.harness';

type Items = { product_id: number; quantity: number }[];

/**
 * `POST /internal/reservations/batch`: the worker's chunk reserved in one call and one
 * transaction, each order with the outcome the single endpoint would have given it.
 */
describe('batch stock reservation (real MySQL)', () => {
  let sut: ProductServiceUnderTest;

  beforeAll(async () => {
    sut = await startProductService();
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  const createProduct = (stock: number, price = '2.50') => sut.createProduct(stock, price);
  const stockOf = (id: number) => sut.stockOf(id);
  const reserve = (orderId: string, items: Items) => sut.reserve(orderId, items);
  const reserveBatch = (reservations: { order_id: string; items: Items }[]) =>
    sut.api.post('/internal/reservations/batch').send({ reservations });
  const reservedEventsOf = async (orderId: string) =>
    (await sut.db('outbox_events').where({ type: 'stock.reserved' }).orderBy('id'))
      .map((row) => ({ key: row.message_key, payload: JSON.parse(row.envelope).payload }))
      .filter((event) => event.payload.order_id === orderId);

  it('when a batch mixes every outcome, then each order gets the single endpoint’s answer and only the reserved ones take stock', async () => {
    const plenty = await createProduct(100, '1.50');
    const scarce = await createProduct(3, '4.00');
    const earlier = randomUUID();
    await reserve(earlier, [{ product_id: plenty, quantity: 2 }]).expect(201);
    const released = randomUUID();
    await sut.api.post(`/internal/reservations/${released}/release`).expect(200);
    const [fresh, short, unknown, twice] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

    const response = await reserveBatch([
      {
        order_id: fresh,
        items: [
          { product_id: scarce, quantity: 2 },
          { product_id: plenty, quantity: 1 },
        ],
      },
      { order_id: earlier, items: [{ product_id: plenty, quantity: 2 }] },
      {
        order_id: short,
        items: [
          { product_id: plenty, quantity: 1 },
          { product_id: scarce, quantity: 2 },
        ],
      },
      {
        order_id: unknown,
        items: [
          { product_id: plenty, quantity: 1 },
          { product_id: 987654, quantity: 1 },
        ],
      },
      { order_id: released, items: [{ product_id: plenty, quantity: 1 }] },
      { order_id: twice, items: [{ product_id: plenty, quantity: 5 }] },
      { order_id: twice, items: [{ product_id: plenty, quantity: 5 }] },
      { order_id: earlier, items: [{ product_id: plenty, quantity: 3 }] },
    ]);

    expect(response.status).toBe(200);
    const results = response.body.results;
    expect(results.map((result: { outcome: string; status: number }) => [result.outcome, result.status])).toEqual([
      ['reserved', 201],
      ['replayed', 200],
      ['refused', 409],
      ['refused', 422],
      ['refused', 409],
      ['reserved', 201],
      ['replayed', 200],
      ['refused', 422],
    ]);
    expect(results[0]).toEqual({
      order_id: fresh,
      outcome: 'reserved',
      status: 201,
      reservation: {
        order_id: fresh,
        status: 'reserved',
        items: [
          { product_id: plenty, quantity: 1, unit_price: '1.50' },
          { product_id: scarce, quantity: 2, unit_price: '4.00' },
        ],
        total_amount: '9.50',
      },
    });
    const single = await reserve(earlier, [{ product_id: plenty, quantity: 2 }]).expect(200);
    expect(results[1].reservation).toEqual(single.body);
    expect(results[2].error).toMatchObject({
      code: 'insufficient_stock',
      details: [expect.objectContaining({ product_id: scarce, requested: 2, available: 1 })],
    });
    expect(results[3].error).toMatchObject({
      code: 'unknown_product',
      details: [expect.objectContaining({ product_id: 987654 })],
    });
    expect(results[4].error.code).toBe('reservation_released');
    expect(results[6].reservation).toEqual(results[5].reservation);
    expect(results[7].error.code).toBe('reservation_mismatch');
    expect(await stockOf(plenty)).toBe(100 - 2 - 1 - 5);
    expect(await stockOf(scarce)).toBe(1);
    expect(await sut.db('stock_reservations').whereIn('order_id', [short, unknown])).toEqual([]);
    expect(await findStockImbalances(sut.db)).toEqual([]);
  });

  it('when a batch reserves, then its stock.reserved events are those of single reservations: one per line, keyed by product', async () => {
    const first = await createProduct(10);
    const second = await createProduct(10);
    const [one, other] = [randomUUID(), randomUUID()];

    await reserveBatch([
      {
        order_id: one,
        items: [
          { product_id: second, quantity: 2 },
          { product_id: first, quantity: 1 },
        ],
      },
      { order_id: other, items: [{ product_id: first, quantity: 4 }] },
    ]).expect(200);

    expect(await reservedEventsOf(one)).toEqual([
      { key: String(first), payload: { order_id: one, product_id: first, quantity: 1 } },
      { key: String(second), payload: { order_id: one, product_id: second, quantity: 2 } },
    ]);
    expect(await reservedEventsOf(other)).toEqual([
      { key: String(first), payload: { order_id: other, product_id: first, quantity: 4 } },
    ]);
  });

  it('when the batch names each order’s accepting request, then that order’s stock.reserved events carry it, not the batch call’s', async () => {
    const product = await createProduct(50);
    const [first, second] = [randomUUID(), randomUUID()];

    await sut.api
      .post('/internal/reservations/batch')
      .set('x-request-id', 'worker-chunk-call')
      .send({
        reservations: [
          { order_id: first, items: [{ product_id: product, quantity: 1 }], request_id: 'accepted-first' },
          { order_id: second, items: [{ product_id: product, quantity: 1 }] },
        ],
      })
      .expect(200);

    const requestIdOf = async (orderId: string) =>
      (await sut.db('outbox_events').where({ type: 'stock.reserved' }).select('envelope', 'request_id'))
        .filter((row) => JSON.parse(row.envelope).payload.order_id === orderId)
        .map((row) => row.request_id);
    expect(await requestIdOf(first)).toEqual(['accepted-first']);
    expect(await requestIdOf(second)).toEqual(['worker-chunk-call']);
  });

  it('when two batches claim the same order ids at once, then each order reserves once and both answers carry the same reservations', async () => {
    const productId = await createProduct(50);
    const orders = Array.from({ length: 5 }, () => ({
      order_id: randomUUID(),
      items: [{ product_id: productId, quantity: 2 }],
    }));

    const [a, b] = await Promise.all([reserveBatch(orders), reserveBatch([...orders].reverse())]);

    expect([a.status, b.status]).toEqual([200, 200]);
    const reservationsOf = (results: { order_id: string; reservation: unknown }[]) =>
      Object.fromEntries(results.map((result) => [result.order_id, result.reservation]));
    expect(reservationsOf(a.body.results)).toEqual(reservationsOf(b.body.results));
    const outcomes = [...a.body.results, ...b.body.results].map((result) => result.outcome).sort();
    expect(outcomes).toEqual([...Array(5).fill('replayed'), ...Array(5).fill('reserved')]);
    expect(await stockOf(productId)).toBe(40);
  });

  it('when batches and single reservations race for 2 hot products, then stock never goes below 0 and every unit is accounted for', async () => {
    const hot = [await createProduct(60), await createProduct(40)];
    const order = (index: number) => ({
      order_id: randomUUID(),
      items:
        index % 3 === 0
          ? [
              { product_id: hot[0]!, quantity: 2 },
              { product_id: hot[1]!, quantity: 1 },
            ]
          : [{ product_id: hot[index % 2]!, quantity: 1 + (index % 4) }],
    });

    const calls = Array.from({ length: 20 }, (_, call) => {
      if (call % 2 === 0) return reserveBatch(Array.from({ length: 12 }, (_, index) => order(call * 12 + index)));
      const single = order(call);
      return reserve(single.order_id, single.items);
    });
    const responses = await Promise.all(calls);

    expect(responses.map((response) => response.status).every((status) => [200, 201, 409].includes(status))).toBe(true);
    const taken = await sut
      .db('stock_reservation_items')
      .whereIn('product_id', hot)
      .groupBy('product_id')
      .select('product_id', sut.db.raw('SUM(quantity) AS units'));
    const units = new Map(taken.map((row) => [Number(row.product_id), Number(row.units)]));
    for (const [index, initial] of [60, 40].entries()) {
      const left = await stockOf(hot[index]!);
      expect(left).toBeGreaterThanOrEqual(0);
      expect(left + (units.get(hot[index]!) ?? 0)).toBe(initial);
    }
    expect(units.get(hot[0]!)! + units.get(hot[1]!)!).toBeGreaterThan(80); // the race was real: most units went
    expect(await findStockImbalances(sut.db)).toEqual([]);
  });

  it('when a batch takes stock of many products while another transaction holds a product it does not name, then it neither waits for that row nor deadlocks', async () => {
    // Enough products that the optimizer would walk the whole primary key for the stock UPDATE's
    // IN list, locking every row it passed (a deadlock with a concurrent reservation's lock).
    const ids: number[] = [];
    for (let index = 0; index < 60; index += 1) ids.push(await createProduct(50));
    const [held, ...named] = ids;
    const holder = await sut.db.transaction();
    try {
      await holder('products').where({ id: held }).forUpdate().first();
      const batch = named
        .slice(0, 40)
        .map((productId) => ({ order_id: randomUUID(), items: [{ product_id: productId, quantity: 1 }] }));

      const started = Date.now();
      const response = await reserveBatch(batch).timeout(5_000);

      expect(response.status).toBe(200);
      expect(response.body.results.every((result: { status: number }) => result.status === 201)).toBe(true);
      // A wait for the held row would last until the holder ends (this request's 5 s timeout first).
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await holder.rollback();
    }
    expect(await stockOf(named[0]!)).toBe(49);
    expect(await stockOf(held!)).toBe(50);
  }, 30_000);

  it('when a batch is empty, too large or has an invalid order, then 400 names the field and nothing is reserved', async () => {
    const productId = await createProduct(10);
    const tooMany = Array.from({ length: 129 }, () => ({
      order_id: randomUUID(),
      items: [{ product_id: productId, quantity: 1 }],
    }));

    const responses = await Promise.all([
      reserveBatch([]),
      reserveBatch(tooMany),
      reserveBatch([{ order_id: 'bad id!', items: [{ product_id: productId, quantity: 1 }] }]),
    ]);

    expect(responses.map((response) => response.status)).toEqual([400, 400, 400]);
    expect(responses.map((response) => response.body.error.details[0].field)).toEqual([
      'reservations',
      'reservations',
      'reservations.0.order_id',
    ]);
    expect(await stockOf(productId)).toBe(10);
  });
});
