import type { Admin, Consumer, Producer } from 'kafkajs';
import { runWithRequestId } from '@ecom/service-kit/logging';
import {
  ACKS_ALL,
  createKafka,
  createProducer,
  createTopicsWithLeaders,
  readHeader,
  requestIdHeaders,
} from '@ecom/service-kit/kafka';
import { createTestTopic, eventually, testKafka, testLogger, uniqueSuffix } from '@ecom/service-kit/testing';

describe('the shared Kafka factory against the real broker', () => {
  const kafka = testKafka();
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let topic: string;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    topic = await createTestTopic(admin, 'factory', 2);
    producer = createProducer(kafka);
    await producer.connect();
    consumer = kafka.consumer({ groupId: `test-factory-${uniqueSuffix()}` });
    await consumer.connect();
  });

  afterAll(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('when a message is produced to a fresh topic, then a consumer group reads it back with its key, value and request id', async () => {
    const received: { key: string; value: string; requestId: string | undefined }[] = [];
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({
          key: String(message.key),
          value: String(message.value),
          requestId: readHeader(message.headers, 'x-request-id'),
        });
      },
    });

    const [result] = await runWithRequestId('req-factory-1', () =>
      producer.send({
        topic,
        acks: ACKS_ALL,
        messages: [{ key: 'order-42', value: JSON.stringify({ hello: 'kafka' }), headers: requestIdHeaders() }],
      }),
    );

    expect(result?.errorCode).toBe(0);
    const message = await eventually(() => received[0]);
    expect(message).toEqual({ key: 'order-42', value: '{"hello":"kafka"}', requestId: 'req-factory-1' });
  });

  it('when the broker is unreachable, then connecting fails within seconds instead of hanging', async () => {
    const unreachable = createProducer(
      createKafka({ clientId: 'test-unreachable', brokers: ['127.0.0.1:1'], logger: testLogger() }),
    );
    const startedAt = Date.now();
    await expect(unreachable.connect()).rejects.toThrow();
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  });

  it("when topics are created one after another, then each one's offsets can be read at once", async () => {
    // Reading offsets as soon as the metadata named a leader met NOT_LEADER_FOR_PARTITION for
    // 23 of 40 fresh three-partition topics on this broker; the creation now waits that out.
    const topics = Array.from({ length: 20 }, () => `test.fresh.${uniqueSuffix()}`);
    try {
      for (const fresh of topics) {
        await createTopicsWithLeaders(admin, [{ topic: fresh, numPartitions: 3, replicationFactor: 1 }]);
        const offsets = await admin.fetchTopicOffsets(fresh);
        expect(offsets.map(({ high }) => high)).toEqual(['0', '0', '0']);
      }
    } finally {
      await admin.deleteTopics({ topics }).catch(() => undefined);
    }
  });
});
