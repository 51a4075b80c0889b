import { createOutboxTable, deletePublishedEvents, OUTBOX_TABLE } from '@ecom/service-kit/outbox';
import { createTestDatabase, type TestDatabase } from '@ecom/service-kit/testing';
import { randomUUID } from 'node:crypto';

describe('outbox retention against the real MySQL', () => {
  let testDb: TestDatabase;
  const now = new Date('2026-11-23T12:00:00.000Z');
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

  beforeAll(async () => {
    testDb = await createTestDatabase('product');
    await createOutboxTable(testDb.db);
  });

  afterAll(async () => {
    await testDb.drop();
  });

  const insertEvents = (count: number, publishedAt: Date | null, type: string) =>
    testDb.db(OUTBOX_TABLE).insert(
      Array.from({ length: count }, () => ({
        event_id: randomUUID(),
        topic: 'product-events',
        message_key: '1',
        type,
        envelope: '{}',
        occurred_at: hoursAgo(100),
        published_at: publishedAt,
      })),
    );

  it('when published events are past retention, then they are deleted in batches and unpublished or recent ones stay', async () => {
    await insertEvents(25, hoursAgo(48), 'expired');
    await insertEvents(3, hoursAgo(1), 'recent');
    await insertEvents(4, null, 'unpublished');

    const deleted = await deletePublishedEvents(testDb.db, hoursAgo(24), 10);

    expect(deleted).toBe(25);
    const left = await testDb.db(OUTBOX_TABLE).select('type').count({ n: '*' }).groupBy('type').orderBy('type');
    expect(left.map((row) => [(row as { type: string }).type, Number(row.n)])).toEqual([
      ['recent', 3],
      ['unpublished', 4],
    ]);
    expect(await deletePublishedEvents(testDb.db, hoursAgo(24), 10)).toBe(0);
  });
});
