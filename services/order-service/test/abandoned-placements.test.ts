import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually, testLogger } from '@ecom/service-kit/testing';
import { ProductServiceClient } from '../src/clients/product-service.client';
import { PlacementIntentRepository } from '../src/data/placement-intent.repository';
import { releaseAbandonedReservations } from '../src/domain/release-abandoned-reservations.use-case';
import { start } from '../src/main';
import { reservedUnits, startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/**
 * A sync order whose order service died between reserving its stock and writing the order leaves
 * a placement intent and a reservation at the product service, and no order. The sweeper gives
 * that stock back. The death is simulated: an old intent, and a reservation made through the real
 * product service with its order id.
 */
describe('the sweeper of abandoned sync placements', () => {
  let sut: OrderSystemUnderTest;
  let stock: ProductServiceClient;
  let intents: PlacementIntentRepository;
  const THRESHOLD_MS = 30_000;
  const sweep = () => releaseAbandonedReservations({ intents, stock, abandonedAfterMs: THRESHOLD_MS });

  beforeAll(async () => {
    // The service's own sweeper stays out of the way; the last test starts one that does not.
    sut = await startOrderSystem({ worker: false, env: { INTENT_SWEEP_INTERVAL_MS: '3600000' } });
    stock = new ProductServiceClient({ urls: [sut.product.service.url], timeoutMs: 3_000, logger: testLogger() });
    intents = new PlacementIntentRepository(sut.db);
  });

  afterAll(async () => {
    stock.shutdown();
    await sut.tearDown();
  });

  /** What a process that died right after reserving leaves behind. */
  async function abandonedPlacement(productId: number, quantity: number, options: { ageMs: number; state?: string }) {
    const orderId = randomUUID();
    await sut.db('placement_intents').insert({
      order_id: orderId,
      state: options.state ?? 'reserving',
      created_at: new Date(Date.now() - options.ageMs),
    });
    await sut.product.api
      .post('/internal/reservations')
      .send({ order_id: orderId, items: [{ product_id: productId, quantity }] })
      .expect(201);
    return orderId;
  }

  const intentIds = async () => (await sut.db('placement_intents').pluck('order_id')).map(String).sort();

  it("when a sync order's process died after reserving, then one sweep releases the stock and removes the intent", async () => {
    const productId = await sut.createProduct(10);
    const orderId = await abandonedPlacement(productId, 3, { ageMs: THRESHOLD_MS + 1_000 });
    expect(await sut.stockOf(productId)).toBe(7);

    const result = await sweep();

    expect(result.released).toEqual([
      { orderId, items: [expect.objectContaining({ product_id: productId, quantity: 3 })] },
    ]);
    expect(result.failed).toEqual([]);
    expect(await sut.stockOf(productId)).toBe(10);
    expect(await reservedUnits(sut.product, productId)).toBe(0);
    expect(await intentIds()).toEqual([]);
    expect(await sut.db('orders').where({ id: orderId }).first()).toBeUndefined();
  });

  it('when the intent is younger than the threshold, then the sweep leaves it and its stock alone', async () => {
    const productId = await sut.createProduct(10);
    const orderId = await abandonedPlacement(productId, 2, { ageMs: 1_000 });

    const result = await sweep();

    expect(result.released).toEqual([]);
    expect(await sut.stockOf(productId)).toBe(8);
    expect(await intentIds()).toEqual([orderId]);
    await sut.db('placement_intents').where({ order_id: orderId }).delete(); // for the next tests
  });

  it('when two instances sweep at once, then each intent is released and reported by exactly one, and the stock comes back once', async () => {
    const productId = await sut.createProduct(10);
    const orderIds = await Promise.all(
      [1, 2, 3].map(() => abandonedPlacement(productId, 1, { ageMs: THRESHOLD_MS * 2 })),
    );

    const [first, second] = await Promise.all([sweep(), sweep()]);

    const releasedIds = [...first!.released, ...second!.released].map((entry) => entry.orderId).sort();
    expect(releasedIds).toEqual([...orderIds].sort());
    expect(await sut.stockOf(productId)).toBe(10);
    expect(await intentIds()).toEqual([]);
  });

  it('when the release fails, then the intent stays claimed and the next sweep releases it', async () => {
    const productId = await sut.createProduct(10);
    const orderId = await abandonedPlacement(productId, 4, { ageMs: THRESHOLD_MS * 2 });
    const unreachable = {
      release: () => Promise.reject(new Error('connect ECONNREFUSED')),
    };

    const failedSweep = await releaseAbandonedReservations({
      intents,
      stock: unreachable,
      abandonedAfterMs: THRESHOLD_MS,
    });

    expect(failedSweep.failed.map((entry) => entry.orderId)).toEqual([orderId]);
    expect(await sut.db('placement_intents').where({ order_id: orderId }).first()).toMatchObject({
      state: 'abandoned',
    });
    expect(await sut.stockOf(productId)).toBe(6);

    const retried = await sweep();

    expect(retried.released.map((entry) => entry.orderId)).toEqual([orderId]);
    expect(await sut.stockOf(productId)).toBe(10);
    expect(await intentIds()).toEqual([]);
  });

  it('when a sync order was placed, then its intent is gone and a sweep finds nothing to release', async () => {
    const productId = await sut.createProduct(10);

    const placed = await sut.api.post('/orders').send({ user_id: 5, items: [{ product_id: productId, quantity: 2 }] });

    expect(placed.status).toBe(201);
    expect(await intentIds()).toEqual([]);
    const result = await releaseAbandonedReservations(
      { intents, stock, abandonedAfterMs: 0 },
      new Date(Date.now() + 1_000),
    );
    expect(result.released).toEqual([]);
    expect(await reservedUnits(sut.product, productId)).toBe(2);
  });

  it('when the order service runs, then its own sweeper releases an abandoned placement within threshold + interval', async () => {
    const productId = await sut.createProduct(10);
    const sweeping = await start(
      { ...sut.env, ABANDONED_INTENT_AFTER_MS: '1000', INTENT_SWEEP_INTERVAL_MS: '200' },
      { logger: testLogger() },
    );
    try {
      const startedAt = Date.now();
      await abandonedPlacement(productId, 5, { ageMs: 0 });
      expect(await sut.stockOf(productId)).toBe(5);

      await eventually(async () => ((await sut.stockOf(productId)) === 10 ? true : undefined), 10_000);

      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000); // not before the threshold
      expect(await intentIds()).toEqual([]);
      const metrics = await request(sweeping.url).get('/metrics');
      expect(metrics.text).toMatch(/abandoned_placements_released_total\{held="true"[^}]*\} 1\n/);
    } finally {
      await sweeping.stop();
    }
  });
});
