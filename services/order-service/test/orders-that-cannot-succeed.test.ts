import { eventually, testKafka } from '@ecom/service-kit/testing';
import { newOrderId } from '../src/domain/order-id';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/**
 * Failures that can never succeed are answered (sync) or settled (async) at once, and failures
 * that keep coming are given up after ORDER_WORKER_MAX_ATTEMPTS (3 here): no request is retried
 * forever, no partition stops behind one message, and no stock stays held for a refused order.
 * The order service reaches the product service through a proxy that can fail one kind of call
 * (the worker reserves through the batch endpoint, sync orders through the single one).
 */
describe('orders that cannot succeed (real MySQL, Kafka and product service)', () => {
  let sut: OrderSystemUnderTest;
  let proxy: FaultProxy;
  let productId: number;

  beforeAll(async () => {
    proxy = await startFaultProxy();
    sut = await startOrderSystem({ proxy, env: { ORDER_WORKER_MAX_ATTEMPTS: '3', INTENT_SWEEP_INTERVAL_MS: '200' } });
    productId = await sut.createProduct(1_000, '10.00');
  });

  afterEach(() => {
    proxy.failing = undefined;
  });

  afterAll(async () => {
    await sut.tearDown();
    await proxy.close();
  });

  const order = (userId: number, product = productId, quantity = 1) => ({
    user_id: userId,
    items: [{ product_id: product, quantity }],
  });
  const reservedFor = async (orderId: string) =>
    (await sut.product.db('stock_reservations').where({ order_id: orderId, status: 'reserved' })).length;
  const releasedMarkers = async () =>
    Number((await sut.product.db('stock_reservations').where({ status: 'released' }).count({ n: '*' }).first())?.['n']);

  it('when an order’s total at catalogue prices exceeds the limit, then sync answers 422 order_total_too_large and nothing moves', async () => {
    const dear = await sut.createProduct(200, '9999999999.99');

    const response = await sut.api.post('/orders').send(order(801, dear, 101));

    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('order_total_too_large');
    expect(await sut.stockOf(dear)).toBe(200);
    expect(await sut.db('orders').where({ user_id: 801 }).first()).toBeUndefined();
  });

  it('when an async order’s total exceeds the limit, then it is rejected with the reason and its partition moves on', async () => {
    const dear = await sut.createProduct(200, '9999999999.99');

    const accepted = await sut.api
      .post('/orders/async')
      .send(order(802, dear, 101))
      .expect(202);

    const settled = await sut.awaitOrder(accepted.body.id, 10_000);
    expect(settled).toMatchObject({ status: 'rejected' });
    expect(String(settled['rejection_reason'])).toMatch(/^order_total_too_large/);
    await sut.waitForWorkerToDrain();
    expect(await sut.stockOf(dear)).toBe(200);
  });

  it('when the product service answers 500 to a sync reservation, then 502, and the reservation it may have made is released', async () => {
    proxy.failing = { path: /^\/internal\/reservations$/, status: 500 };
    const markersBefore = await releasedMarkers();

    const response = await sut.api.post('/orders').send(order(803));

    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('bad_gateway');
    expect(await releasedMarkers()).toBe(markersBefore + 1);
    expect(await sut.db('placement_intents').count({ n: '*' }).first()).toMatchObject({ n: 0 });
  });

  it('when the product service keeps answering 500 to an async reservation, then the order is rejected after its attempts, naming the last failure', async () => {
    proxy.failing = { path: /^\/internal\/reservations\/batch$/, status: 500 };

    const accepted = await sut.api.post('/orders/async').send(order(804)).expect(202);

    const settled = await sut.awaitOrder(accepted.body.id, 30_000);
    expect(settled).toMatchObject({ status: 'rejected' });
    expect(String(settled['rejection_reason'])).toMatch(/^retries_exhausted: .*bad_gateway/);
  }, 60_000);

  it('when one order of a chunk cannot be written (a data error, not a database that is down), then the others are placed and it alone is rejected', async () => {
    // The database refuses to store user 808's placed order, every time.
    await sut.db.raw(`CREATE TRIGGER orders_refuse_808 BEFORE INSERT ON orders FOR EACH ROW
      BEGIN IF NEW.user_id = 808 AND NEW.status = 'pending' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF; END`);
    try {
      await sut.stopWorker();
      const poison = await sut.api.post('/orders/async').send(order(808)).expect(202);
      const fine = await sut.api.post('/orders/async').send(order(809)).expect(202);
      await sut.startWorker();

      expect(await sut.awaitOrder(fine.body.id, 20_000)).toMatchObject({ status: 'pending' });
      const settled = await sut.awaitOrder(poison.body.id, 20_000);
      expect(settled).toMatchObject({ status: 'rejected' });
      expect(String(settled['rejection_reason'])).toMatch(/^internal_error/);
      await eventually(async () => ((await reservedFor(poison.body.id)) === 0 ? true : undefined)); // owed back, released
    } finally {
      await sut.db.raw('DROP TRIGGER IF EXISTS orders_refuse_808');
    }
  }, 60_000);

  it('when an async order’s reservations keep failing transiently, then after 3 attempts it is rejected (retries_exhausted) and holds no stock', async () => {
    // (the test's own timeout: 60 s)
    proxy.failing = { path: /^\/internal\/reservations\/batch$/, status: 503 };
    const stockBefore = await sut.stockOf(productId);

    const accepted = await sut.api.post('/orders/async').send(order(805)).expect(202);

    const settled = await sut.awaitOrder(accepted.body.id, 30_000); // three attempts, with back-off
    expect(settled).toMatchObject({ status: 'rejected' });
    expect(String(settled['rejection_reason'])).toMatch(/^retries_exhausted/);
    proxy.failing = undefined;
    expect(await sut.stockOf(productId)).toBe(stockBefore);
  });

  it('when two copies of one request arrive in one batch, then the order is placed once and the partition moves on', async () => {
    await sut.stopWorker();
    const twice = newOrderId();
    const after = newOrderId();
    const message = (orderId: string, userId: number) => ({
      key: orderId,
      partition: 0,
      value: JSON.stringify({ ...order(userId), order_id: orderId, accepted_at: new Date().toISOString() }),
    });
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: sut.topics.requests,
      messages: [message(twice, 806), message(twice, 806), message(after, 807)],
    });
    await producer.disconnect();

    await sut.startWorker();

    expect(await sut.awaitOrder(after, 15_000)).toMatchObject({ status: 'pending' });
    expect(await sut.db('orders').where({ id: twice }).select('status')).toEqual([{ status: 'pending' }]);
  });
});
