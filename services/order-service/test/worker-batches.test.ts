import { eventually, testKafka } from '@ecom/service-kit/testing';
import { newOrderId } from '../src/domain/order-id';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import {
  pendingUnits,
  reservedUnits,
  startOrderSystem,
  type OrderSystemUnderTest,
} from './support/order-system.harness';

type Items = { product_id: number; quantity: number }[];

/**
 * The worker reserves a chunk's stock in batch calls (POST /internal/reservations/batch, one
 * product-service transaction each) with the rules of one call per order: each order placed or
 * rejected on its own, a failed call retried for every order in it, nothing reserved twice.
 */
describe('the worker reserving in batches (real MySQL, Kafka and product service)', () => {
  let sut: OrderSystemUnderTest;
  let proxy: FaultProxy;

  beforeAll(async () => {
    proxy = await startFaultProxy();
    sut = await startOrderSystem({ worker: false, proxy, env: { ORDER_WORKER_CHUNK_SIZE: '64' } });
  });

  afterEach(async () => {
    await sut.stopWorker();
    proxy.failing = undefined;
  });

  afterAll(async () => {
    await sut.tearDown();
    await proxy.close();
  });

  /** Puts the orders on one partition, in this order (one chunk when they are few). */
  async function enqueue(orders: readonly Items[]): Promise<string[]> {
    const ids = orders.map(() => newOrderId());
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: sut.topics.requests,
      messages: orders.map((items, index) => ({
        key: ids[index]!,
        partition: 0,
        value: JSON.stringify({ order_id: ids[index], user_id: 700 + index, items, accepted_at: new Date() }),
      })),
    });
    await producer.disconnect();
    return ids;
  }

  const reservationCalls = () => proxy.paths.filter((path) => /^\/internal\/reservations(\/batch)?$/.test(path));

  it('when a chunk of 64 orders is placed, then its stock is reserved in batch calls, not one call per order', async () => {
    const productId = await sut.createProduct(1_000);
    proxy.paths.length = 0;
    const ids = await enqueue(Array.from({ length: 64 }, () => [{ product_id: productId, quantity: 1 }]));

    await sut.startWorker();
    await sut.waitForWorkerToDrain();

    expect(await sut.db('orders').whereIn('id', ids).where({ status: 'pending' })).toHaveLength(64);
    expect(reservationCalls().length).toBeLessThanOrEqual(4); // 64 orders: one call a fetched chunk
    expect(reservationCalls().every((path) => path === '/internal/reservations/batch')).toBe(true);
    expect(await sut.stockOf(productId)).toBe(1_000 - 64);
  });

  it('when one chunk mixes orders that fit, short ones and unknown products, then each is placed or rejected on its own', async () => {
    const plenty = await sut.createProduct(100, '2.00');
    const scarce = await sut.createProduct(3, '5.00');

    const ids = await enqueue([
      [{ product_id: plenty, quantity: 1 }],
      [
        { product_id: scarce, quantity: 2 },
        { product_id: plenty, quantity: 1 },
      ],
      [{ product_id: scarce, quantity: 2 }], // only 1 left by the order before it
      [
        { product_id: plenty, quantity: 1 },
        { product_id: 987654, quantity: 1 },
      ],
      [{ product_id: plenty, quantity: 3 }],
    ]);
    await sut.startWorker();
    const orders = await Promise.all(ids.map((id) => sut.awaitOrder(id)));

    expect(orders.map((order) => order['status'])).toEqual(['pending', 'pending', 'rejected', 'rejected', 'pending']);
    expect(orders.map((order) => order['total_amount'])).toEqual(['2.00', '12.00', null, null, '6.00']);
    expect(String(orders[2]!['rejection_reason'])).toMatch(/^insufficient_stock/);
    expect(String(orders[3]!['rejection_reason'])).toMatch(/^unknown_product/);
    expect([await sut.stockOf(plenty), await sut.stockOf(scarce)]).toEqual([95, 1]);
  });

  it('when a batch call as a whole is answered 409, then its orders are retried, not rejected as refused', async () => {
    const productId = await sut.createProduct(50);
    proxy.failing = { path: /^\/internal\/reservations\/batch$/, status: 409 };
    const ids = await enqueue(Array.from({ length: 3 }, () => [{ product_id: productId, quantity: 1 }]));

    await sut.startWorker();
    await eventually(() => (proxy.paths.filter((path) => path.endsWith('/batch')).length >= 2 ? true : undefined));
    expect(await sut.db('orders').whereIn('id', ids)).toEqual([]);
    proxy.failing = undefined;
    const orders = await Promise.all(ids.map((id) => sut.awaitOrder(id)));

    expect(orders.map((order) => order['status'])).toEqual(['pending', 'pending', 'pending']);
    expect(await sut.stockOf(productId)).toBe(47);
  });

  it('when a batch call commits but its answer is lost, then every order in it is retried, gets its first reservation back, and stock moves once', async () => {
    const productId = await sut.createProduct(500);
    proxy.failing = { path: /^\/internal\/reservations(\/batch)?$/, status: 502, afterForwarding: true };
    const ids = await enqueue(Array.from({ length: 10 }, () => [{ product_id: productId, quantity: 2 }]));

    await sut.startWorker();
    const held = () => sut.product.db('stock_reservations').whereIn('order_id', ids).where({ status: 'reserved' });
    await eventually(async () => ((await held()).length === 10 ? true : undefined)); // committed, answers lost
    expect(await sut.db('orders').whereIn('id', ids)).toEqual([]);
    proxy.failing = undefined;
    await Promise.all(ids.map((id) => sut.awaitOrder(id)));

    expect(await sut.db('orders').whereIn('id', ids).where({ status: 'pending' })).toHaveLength(10);
    expect(await sut.stockOf(productId)).toBe(500 - 20);
    expect(await pendingUnits(sut.db, productId)).toBe(await reservedUnits(sut.product, productId));
    expect(await held()).toHaveLength(10); // none released: the retry took its reservation back
  });
});
