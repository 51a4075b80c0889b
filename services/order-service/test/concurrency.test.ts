import { findStockImbalances } from '@ecom/product-service/testing';
import { eventually } from '@ecom/service-kit/testing';
import {
  pendingUnits,
  reservedUnits,
  startOrderSystem,
  type OrderSystemUnderTest,
} from './support/order-system.harness';

describe('500 concurrent orders, half sync and half async, on 5 scarce products', () => {
  let sut: OrderSystemUnderTest;

  beforeAll(async () => {
    // Every sync order must race for stock here, not be shed: the shedding itself is tested in
    // the kit (load-shedder.test.ts); under a busy CI machine its 200 ms queue wait answered 503s.
    sut = await startOrderSystem({ env: { SYNC_MAX_QUEUED: '500', SYNC_QUEUE_WAIT_MS: '60000' } });
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  it('when they race, then nothing is oversold, stock is conserved and every 201/202 is exactly one order', async () => {
    const stockLevels = [20, 30, 40, 50, 60];
    const products = await Promise.all(stockLevels.map((stock) => sut.createProduct(stock, '2.00')));
    const requests = Array.from({ length: 500 }, (_, index) => ({
      path: index % 2 === 0 ? '/orders' : '/orders/async',
      body: { user_id: index + 1, items: [{ product_id: products[index % 5]!, quantity: 1 + (index % 3) }] },
    }));

    const responses = await Promise.all(requests.map(({ path, body }) => sut.api.post(path).send(body)));

    const acknowledged = responses.filter((response) => response.status === 201 || response.status === 202);
    const syncRefused = responses.filter((response) => response.status === 409);
    expect(responses.filter((response) => ![201, 202, 409].includes(response.status))).toEqual([]);
    expect(acknowledged.length + syncRefused.length).toBe(500);
    const ids = acknowledged.map((response) => response.body.id as string);
    expect(new Set(ids).size).toBe(ids.length);

    // Every acknowledged order ends as exactly one stored order, placed or rejected.
    await eventually(async () => {
      const row = await sut.db('orders').whereIn('id', ids).count({ n: '*' }).first();
      return Number(row?.['n']) === ids.length ? true : undefined;
    }, 60_000);
    const stored = await sut.db('orders').select('id', 'status');
    expect(stored).toHaveLength(ids.length);
    expect(stored.every((order) => order.status === 'pending' || order.status === 'rejected')).toBe(true);

    for (const [index, productId] of products.entries()) {
      const onHand = await sut.stockOf(productId);
      const held = await reservedUnits(sut.product, productId);
      expect(onHand).toBeGreaterThanOrEqual(0);
      expect(onHand + held).toBe(stockLevels[index]); // conservation
      expect(await pendingUnits(sut.db, productId)).toBe(held); // what pending orders hold is what is reserved
    }
    expect(await findStockImbalances(sut.product.db)).toEqual([]);
    const summary = {
      sync_201: responses.filter((response) => response.status === 201).length,
      sync_409: syncRefused.length,
      async_202: responses.filter((response) => response.status === 202).length,
      async_rejected: stored.filter((order) => order.status === 'rejected').length,
      placed: stored.filter((order) => order.status === 'pending').length,
    };
    console.log(`500 concurrent orders: ${JSON.stringify(summary)}`);
  });
});
