import { AppError } from '@ecom/service-kit/errors';
import { testLogger } from '@ecom/service-kit/testing';
import { ProductServiceClient } from '../src/clients/product-service.client';
import { PlacementIntentRepository } from '../src/data/placement-intent.repository';
import { createUnitOfWork } from '../src/data/unit-of-work';
import { placeSyncOrder, type SyncPlacementDependencies } from '../src/domain/place-sync-order.use-case';
import { releaseAbandonedReservations } from '../src/domain/release-abandoned-reservations.use-case';
import { reservedUnits, startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/**
 * A sync order records a placement intent (committed) before it reserves, and ends it in the
 * transaction that writes the order, or as soon as it is known to hold no stock. Nothing is left
 * behind by a normal placement or refusal; a sweeper that claimed the intent first wins.
 */
describe('placement intents of sync orders', () => {
  let sut: OrderSystemUnderTest;
  let stock: ProductServiceClient;
  const intentCount = async () => Number((await sut.db('placement_intents').count({ n: '*' }).first())?.['n']);
  const orderBody = (productId: number, quantity: number) => ({
    user_id: 7,
    items: [{ product_id: productId, quantity }],
  });

  beforeAll(async () => {
    sut = await startOrderSystem({ env: { INTENT_SWEEP_INTERVAL_MS: '3600000' } });
    stock = new ProductServiceClient({ urls: [sut.product.service.url], timeoutMs: 3_000, logger: testLogger() });
  });

  afterAll(async () => {
    stock.shutdown();
    await sut.tearDown();
  });

  it('when a sync order is placed, then no intent is left behind', async () => {
    const productId = await sut.createProduct(10);

    const response = await sut.api.post('/orders').send(orderBody(productId, 2));

    expect(response.status).toBe(201);
    expect(await intentCount()).toBe(0);
    expect(await reservedUnits(sut.product, productId)).toBe(2);
  });

  it('when a sync order is refused (short stock, unknown product), then no intent is left and nothing is reserved', async () => {
    const productId = await sut.createProduct(1);

    const short = await sut.api.post('/orders').send(orderBody(productId, 5));
    const unknown = await sut.api.post('/orders').send(orderBody(999_999_999, 1));

    expect([short.status, unknown.status]).toEqual([409, 422]);
    expect(await intentCount()).toBe(0);
    expect(await sut.stockOf(productId)).toBe(1);
  });

  it('when the product service refuses connections, then 503 and no intent is left (nothing can be held)', async () => {
    const productId = await sut.createProduct(10);
    await sut.product.stopService();
    try {
      const response = await sut.api.post('/orders').send(orderBody(productId, 1));

      expect(response.status).toBe(503);
      expect(await intentCount()).toBe(0);
    } finally {
      await sut.product.restart();
    }
  });

  /** The real placement, with a sweeper acting between the reservation and the order's write; `placed` learns the order id. */
  function placementInterruptedBy(
    sweeper: (orderId: string) => Promise<unknown>,
    options: { releaseFails?: boolean } = {},
  ): SyncPlacementDependencies & { readonly placed: string[] } {
    const placed: string[] = [];
    return {
      placed,
      unitOfWork: createUnitOfWork(sut.db),
      intents: new PlacementIntentRepository(sut.db),
      stock: {
        reserve: async (orderId, items) => {
          placed.push(orderId);
          const reservation = await stock.reserve(orderId, items);
          await sweeper(orderId);
          return reservation;
        },
        release: (orderId) =>
          options.releaseFails ? Promise.reject(new Error('connect ECONNREFUSED')) : stock.release(orderId),
        mayHaveReserved: (error) => stock.mayHaveReserved(error),
      },
    };
  }

  const claimOnly = async (orderId: string) => {
    await new PlacementIntentRepository(sut.db).claim(orderId);
  };
  const sweepNow = () =>
    releaseAbandonedReservations(
      { intents: new PlacementIntentRepository(sut.db), stock, abandonedAfterMs: 0 },
      new Date(Date.now() + 1_000),
    );
  const syncBody = (productId: number) => ({ user_id: 8, items: [{ product_id: productId, quantity: 3 }] });

  it.each([
    ['only claimed it (its own release still to come)', claimOnly],
    ['claimed it, released the stock and removed it', sweepNow],
  ])(
    'when the sweeper %s before the order write, then the write is refused (503), no order exists and the stock is released',
    async (_what, sweeper) => {
      const productId = await sut.createProduct(10);
      const deps = placementInterruptedBy(sweeper);

      const placing = placeSyncOrder(deps, syncBody(productId));

      await expect(placing).rejects.toMatchObject({ code: 'placement_abandoned', status: 503, retriable: true });
      await expect(placing).rejects.toBeInstanceOf(AppError);
      const [orderId] = deps.placed;
      expect(await sut.db('orders').where({ id: orderId }).first()).toBeUndefined();
      expect(await sut.stockOf(productId)).toBe(10);
      expect(await reservedUnits(sut.product, productId)).toBe(0);
      expect(await intentCount()).toBe(0);
    },
  );

  it('when the sweeper claimed the intent and the order service cannot release either, then the write is refused and the sweep releases the stock', async () => {
    const productId = await sut.createProduct(10);
    const deps = placementInterruptedBy(claimOnly, { releaseFails: true });

    const placing = placeSyncOrder(deps, syncBody(productId));

    await expect(placing).rejects.toMatchObject({ code: 'placement_abandoned', status: 503 });
    const [orderId] = deps.placed;
    expect(await sut.db('orders').where({ id: orderId }).first()).toBeUndefined();
    expect(await sut.stockOf(productId)).toBe(7); // still held: only the sweeper can give it back now
    expect(await sut.db('placement_intents').where({ order_id: orderId }).first()).toMatchObject({
      state: 'abandoned',
    });

    const swept = await sweepNow();

    expect(swept.released.map((entry) => entry.orderId)).toEqual([orderId]);
    expect(await sut.stockOf(productId)).toBe(10);
    expect(await intentCount()).toBe(0);
  }, 15_000);

  it('when async orders are placed, then they need no intent: with the intents table gone they are still placed, sync ones fail (500: a missing table is no outage)', async () => {
    const productId = await sut.createProduct(10);
    await sut.db.raw('RENAME TABLE placement_intents TO placement_intents_away');
    try {
      const accepted = await sut.api.post('/orders/async').send(orderBody(productId, 2));
      const sync = await sut.api.post('/orders').send(orderBody(productId, 1));

      expect(accepted.status).toBe(202);
      expect(await sut.awaitOrder(accepted.body.id)).toMatchObject({ status: 'pending', mode: 'async' });
      expect(sync.status).toBe(500);
      expect(await sut.stockOf(productId)).toBe(8); // the async order's 2 units, none for the sync one
    } finally {
      await sut.db.raw('RENAME TABLE placement_intents_away TO placement_intents');
    }
    expect(await intentCount()).toBe(0);
  });
});
