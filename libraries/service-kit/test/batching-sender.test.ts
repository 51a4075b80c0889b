import type { Admin, Producer } from 'kafkajs';
import { BatchingSender, createProducer } from '@ecom/service-kit/kafka';
import { createTestTopic, testKafka, uniqueSuffix } from '@ecom/service-kit/testing';

describe('BatchingSender against the real broker', () => {
  const kafka = testKafka();
  let admin: Admin;
  let producer: Producer;
  let topic: string;
  /** Produce requests the sender made (the real producer's sendBatch, counted on the way through). */
  let requests: number;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    topic = await createTestTopic(admin, 'batching', 3);
    producer = createProducer(kafka);
    await producer.connect();
    const sendBatch = producer.sendBatch.bind(producer);
    producer.sendBatch = (batch) => {
      requests += 1;
      return sendBatch(batch);
    };
  });

  beforeEach(() => {
    requests = 0;
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  test('when 300 messages are sent at once, then all are acknowledged and stored in far fewer produce requests', async () => {
    const sender = new BatchingSender(producer, { maxBatch: 100 });
    const before = await endOffsetTotal(admin, topic);
    const keys = Array.from({ length: 300 }, (_, index) => `key-${index}`);

    await Promise.all(keys.map((key) => sender.send(topic, { key, value: JSON.stringify({ key }) })));

    expect((await endOffsetTotal(admin, topic)) - before).toBe(300);
    expect(requests).toBeGreaterThanOrEqual(3); // at most 100 a request
    expect(requests).toBeLessThanOrEqual(10);
  });

  test('when a lone message is sent, then it goes at once in a request of its own', async () => {
    const sender = new BatchingSender(producer);
    await sender.send(topic, { key: 'alone', value: 'x' });
    expect(requests).toBe(1);
  });

  test('when the request fails, then every send in it rejects, and later sends still go', async () => {
    const sender = new BatchingSender(producer, { timeoutMs: 2_000 });
    const missing = `test.missing.${uniqueSuffix()}`;

    const outcomes = await Promise.allSettled([
      sender.send(missing, { value: 'a' }),
      sender.send(missing, { value: 'b' }),
      sender.send(missing, { value: 'c' }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await expect(sender.send(topic, { key: 'after', value: 'y' })).resolves.toBeUndefined();
  });

  test('when a request is still being retried, then settled() waits for its end, or says it has not ended within a limit', async () => {
    // The producer retries a missing topic for seconds; disconnecting it meanwhile would leave a
    // connection the retry reopens, which kept a stopped order service's process alive.
    const sender = new BatchingSender(producer, { timeoutMs: 2_000 });
    let ended = false;
    const sent = sender.send(`test.missing.${uniqueSuffix()}`, { value: 'late' }).finally(() => {
      ended = true;
    });
    sent.catch(() => undefined);

    expect(await sender.settled(50)).toBe(false); // still retrying after 50 ms
    expect(ended).toBe(false);
    expect(await sender.settled()).toBe(true);

    expect(ended).toBe(true);
    await expect(sent).rejects.toThrow();
    expect(await sender.settled(0)).toBe(true); // nothing in flight: at once
  });
});

async function endOffsetTotal(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
}
