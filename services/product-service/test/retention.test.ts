import { randomUUID } from 'node:crypto';
import { eventually } from '@ecom/service-kit/testing';
import { findStockImbalances } from '../src/data/stock-conservation.query';
import { demoProduct, startProductService, type ProductServiceUnderTest } from './support/product-service.harness';

/**
 * The product service's own housekeeping: published outbox rows and released reservation markers
 * past their retention are deleted by the running service; everything still needed stays.
 */
describe('retention in the product service (real MySQL)', () => {
  let sut: ProductServiceUnderTest;
  const DAY_MS = 86_400_000;
  const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

  beforeAll(async () => {
    sut = await startProductService({
      startRelay: false,
      env: {
        RETENTION_INTERVAL_MS: '100',
        RETENTION_BATCH_SIZE: '2',
        OUTBOX_RETENTION_S: '86400',
        RELEASED_RESERVATION_RETENTION_S: '604800',
      },
    });
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  const insertEvents = (count: number, type: string, publishedAt: Date | null) =>
    sut.db('outbox_events').insert(
      Array.from({ length: count }, () => ({
        event_id: randomUUID(),
        topic: 'product-events',
        message_key: '1',
        type,
        envelope: '{}',
        occurred_at: daysAgo(3),
        published_at: publishedAt,
      })),
    );
  const reserve = (orderId: string, productId: number) =>
    sut.api
      .post('/internal/reservations')
      .send({ order_id: orderId, items: [{ product_id: productId, quantity: 1 }] })
      .expect(201);
  const release = (orderId: string) => sut.api.post(`/internal/reservations/${orderId}/release`).expect(200);
  const backdate = (orderId: string, days: number) =>
    sut
      .db('stock_reservations')
      .where({ order_id: orderId })
      .update({
        created_at: daysAgo(days),
        released_at: sut.db.raw('IF(released_at IS NULL, NULL, ?)', [daysAgo(days)]),
      });
  const eventTypes = async () =>
    (await sut.db('outbox_events').select('type').orderBy('type')).map((row) => String(row.type));
  const reservationIds = async () =>
    (await sut.db('stock_reservations').select('order_id').orderBy('order_id')).map((row) => String(row.order_id));

  it('when published events and released markers are past retention, then the service deletes them and keeps the rest', async () => {
    await insertEvents(5, 'published-2-days-ago', daysAgo(2));
    await insertEvents(1, 'published-now', new Date());
    await insertEvents(1, 'unpublished', null);
    const { body: product } = await sut.api
      .post('/products')
      .send({ ...demoProduct, stock: 10 })
      .expect(201);
    await reserve('old-released', product.id);
    await release('old-released');
    await release('old-never-reserved'); // a marker: refuses a late reservation for that id
    await reserve('old-but-reserved', product.id);
    await Promise.all(['old-released', 'old-never-reserved', 'old-but-reserved'].map((id) => backdate(id, 8)));
    await reserve('recently-released', product.id);
    await release('recently-released');
    const eventsBefore = await eventTypes(); // the API's own events are not published (no relay): they stay

    await eventually(async () => ((await reservationIds()).length === 2 ? true : undefined), 5_000);

    expect(await reservationIds()).toEqual(['old-but-reserved', 'recently-released']);
    expect(await sut.db('stock_reservation_items').where({ order_id: 'old-released' })).toEqual([]);
    await eventually(async () => (!(await eventTypes()).includes('published-2-days-ago') ? true : undefined), 5_000);
    expect(await eventTypes()).toEqual(eventsBefore.filter((type) => type !== 'published-2-days-ago'));
    const late = await sut.api
      .post('/internal/reservations')
      .send({ order_id: 'recently-released', items: [{ product_id: product.id, quantity: 1 }] });
    expect(late.status).toBe(409);
    expect(await findStockImbalances(sut.db)).toEqual([]);
  });
});
