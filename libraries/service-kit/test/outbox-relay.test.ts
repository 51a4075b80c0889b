/**
 * The outbox relay against the real MySQL and Kafka: a wake that comes while a batch is being
 * published is kept (the relay looks again at once, not at its next poll), and an idle poll only
 * asks whether anything is pending, without opening a locking transaction.
 */
import type { Admin, Producer, ProducerBatch } from 'kafkajs';
import { createOutboxTable, OUTBOX_TABLE, OutboxRelay } from '@ecom/service-kit/outbox';
import {
  createTestDatabase,
  createTestTopic,
  eventually,
  testKafka,
  testLogger,
  type TestDatabase,
} from '@ecom/service-kit/testing';
import { randomUUID } from 'node:crypto';

describe('the outbox relay (real MySQL and Kafka)', () => {
  let testDb: TestDatabase;
  let admin: Admin;
  let producer: Producer;
  let topic: string;
  let relay: OutboxRelay | undefined;
  const kafka = testKafka();

  beforeAll(async () => {
    testDb = await createTestDatabase('product');
    await createOutboxTable(testDb.db);
    admin = kafka.admin();
    await admin.connect();
    topic = await createTestTopic(admin, 'outbox-relay');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await testDb.drop();
  });

  const addEvent = async (type: string) => {
    await testDb.db(OUTBOX_TABLE).insert({
      event_id: randomUUID(),
      topic: 'relay-test',
      message_key: '1',
      type,
      envelope: '{}',
      occurred_at: new Date(),
    });
  };
  const publishedAt = async (type: string) =>
    (await testDb.db(OUTBOX_TABLE).where({ type }).first('published_at'))?.published_at ?? undefined;
  const startRelay = (idleMs: number, send: Producer = producer) => {
    relay = new OutboxRelay({
      db: testDb.db,
      producer: send,
      logger: testLogger(),
      idleMs,
      topicNames: { 'relay-test': topic },
    });
    relay.start();
    return relay;
  };

  it('when a commit wakes the relay while it is still publishing a batch, then its event leaves at once, not at the next poll', async () => {
    let sending: () => void = () => {};
    const sendStarted = new Promise<void>((resolve) => (sending = resolve));
    // The real producer, slowed down, so that the second wake lands while the first batch is in flight.
    const slow = {
      sendBatch: async (batch: ProducerBatch) => {
        sending();
        await new Promise((resolve) => setTimeout(resolve, 500));
        return producer.sendBatch(batch);
      },
    } as unknown as Producer;
    const started = startRelay(60_000, slow);
    await addEvent('first');
    started.wake();
    await sendStarted;
    await addEvent('second');
    started.wake();

    // With the wake lost, 'second' would wait for the 60 s poll.
    await eventually(async () => await publishedAt('second'), 5_000);
    expect(await publishedAt('first')).toBeInstanceOf(Date);
  }, 20_000);

  it('when the outbox is empty, then a poll only asks whether a row is pending, and a row nobody woke it for is still published', async () => {
    const statements: string[] = [];
    const record = (query: { sql: string }) => statements.push(query.sql.toLowerCase());
    testDb.db.on('query', record);
    try {
      startRelay(50);
      // The first loop publishes (it was not a poll); every poll after it reads, none locks.
      const afterFirst = () => statements.slice(statements.findIndex((sql) => sql.includes('for update')) + 1);
      await eventually(() => (afterFirst().filter((sql) => sql.includes('limit ?')).length >= 5 ? true : undefined));
      expect(afterFirst().filter((sql) => sql.includes('for update') || sql.startsWith('begin'))).toEqual([]);

      await addEvent('left-behind');
      await eventually(async () => await publishedAt('left-behind'), 5_000);
    } finally {
      testDb.db.off('query', record);
    }
  }, 20_000);
});
