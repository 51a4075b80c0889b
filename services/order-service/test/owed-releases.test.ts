import { eventually } from '@ecom/service-kit/testing';
import { findStockImbalances } from '@ecom/product-service/testing';
import { reservedUnits, startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/**
 * Cancelling an order owes its stock back: the debt is recorded in the cancel's own transaction
 * (a `placement_intents` row in state `releasing`), paid at once when the product service
 * answers, and otherwise by the order service's sweeper, until the product service confirms.
 */
describe('stock owed back by a cancelled order', () => {
  let sut: OrderSystemUnderTest;

  beforeAll(async () => {
    sut = await startOrderSystem({ worker: false, env: { INTENT_SWEEP_INTERVAL_MS: '200' } });
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  const placeOne = async (productId: number, quantity: number) =>
    (
      await sut.api
        .post('/orders')
        .send({ user_id: 7, items: [{ product_id: productId, quantity }] })
        .expect(201)
    ).body as { id: string };
  const cancel = (id: string) => sut.api.put(`/orders/${id}/status`).send({ status: 'cancelled' });
  const owed = async () => (await sut.db('placement_intents').select('order_id', 'state')) as unknown[];

  it('when an order is cancelled while the product service is down, then its stock comes back exactly once after it is back, and nothing stays owed', async () => {
    const productId = await sut.createProduct(10);
    const order = await placeOne(productId, 3);
    expect(await sut.stockOf(productId)).toBe(7);

    await sut.product.stopService();
    const cancelled = await cancel(order.id).catch((error: unknown) => error);
    const cancelledAgain = await cancel(order.id).catch((error: unknown) => error);
    const owedWhileDown = await owed();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // sweeps fail meanwhile
    await sut.product.restart();

    await eventually(async () => ((await sut.stockOf(productId)) === 10 ? true : undefined), 20_000);
    expect(cancelled).toMatchObject({ status: 200, body: { id: order.id, status: 'cancelled' } });
    expect(cancelledAgain).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect(owedWhileDown).toEqual([{ order_id: order.id, state: 'releasing' }]);
    await eventually(async () => ((await owed()).length === 0 ? true : undefined));
    expect(await reservedUnits(sut.product, productId)).toBe(0);
    expect(await findStockImbalances(sut.product.db)).toEqual([]);
    expect((await cancel(order.id)).status).toBe(200); // a later cancel moves nothing
    expect(await sut.stockOf(productId)).toBe(10);
  }, 40_000);

  it('when the product service answers the cancel’s release, then the stock is back and nothing is owed by the time the client has its answer', async () => {
    const productId = await sut.createProduct(10);
    const order = await placeOne(productId, 4);

    await cancel(order.id).expect(200);

    expect(await sut.stockOf(productId)).toBe(10);
    expect(await owed()).toEqual([]);
  });
});
