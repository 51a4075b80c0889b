import { randomUUID } from 'node:crypto';
import { eventually } from '@ecom/service-kit/testing';
import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/**
 * The order service's own housekeeping: expired Idempotency-Keys and published outbox rows past
 * their retention are deleted by the running service; live keys and unpublished events stay.
 */
describe('retention in the order service (real MySQL)', () => {
  let sut: OrderSystemUnderTest;
  const HOUR_MS = 3_600_000;
  const hoursFromNow = (hours: number) => new Date(Date.now() + hours * HOUR_MS);

  beforeAll(async () => {
    sut = await startOrderSystem({
      worker: false,
      env: { RETENTION_INTERVAL_MS: '100', RETENTION_BATCH_SIZE: '2', OUTBOX_RETENTION_S: '3600' },
    });
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  const insertKey = (key: string, expiresAt: Date) =>
    sut.db('idempotency_keys').insert({
      idempotency_key: key,
      fingerprint: 'f'.repeat(64),
      state: 'completed',
      response_status: 201,
      response_body: '{}',
      created_at: new Date(expiresAt.getTime() - 24 * HOUR_MS),
      expires_at: expiresAt,
    });
  const insertEvents = (count: number, type: string, publishedAt: Date | null) =>
    sut.db('outbox_events').insert(
      Array.from({ length: count }, () => ({
        event_id: randomUUID(),
        topic: 'order-events',
        message_key: randomUUID(),
        type,
        envelope: '{}',
        occurred_at: hoursFromNow(-5),
        published_at: publishedAt,
      })),
    );
  const column = async (table: string, name: string) =>
    (await sut.db(table).select(name).orderBy(name)).map((row) => String(row[name]));

  it('when Idempotency-Keys expired and published events are past retention, then the service deletes them and keeps the rest', async () => {
    for (const key of ['expired-1', 'expired-2', 'expired-3']) await insertKey(key, hoursFromNow(-1));
    await insertKey('live', hoursFromNow(23));
    await insertEvents(5, 'published-2-hours-ago', hoursFromNow(-2));
    await insertEvents(1, 'published-now', new Date());

    await eventually(
      async () => (await column('idempotency_keys', 'idempotency_key')).length === 1 || undefined,
      5_000,
    );
    await eventually(
      async () => !(await column('outbox_events', 'type')).includes('published-2-hours-ago') || undefined,
      5_000,
    );

    expect(await column('idempotency_keys', 'idempotency_key')).toEqual(['live']);
    expect(await column('outbox_events', 'type')).toEqual(['published-now']);
  });
});
