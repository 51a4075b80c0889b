import type { Producer } from 'kafkajs';
import request from 'supertest';
import { createProducer, createTopicsWithLeaders } from '@ecom/service-kit/kafka';
import { eventually, testKafka, uniqueSuffix } from '@ecom/service-kit/testing';
import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/**
 * Liveness (`/health`, what Docker and ECS probe) of the worker follows its consumer: a consumer
 * that crashed for good is a dead worker, to be replaced. The crash is a real one: a poison
 * message larger than the dead-letter topic accepts (`max.message.bytes`), so the dead letter is
 * refused by the broker with MESSAGE_TOO_LARGE, which kafkajs does not retry: the consumer
 * crashes with `restart: false`.
 */
describe('the worker’s liveness', () => {
  let sut: OrderSystemUnderTest;
  let producer: Producer;
  const smallDeadLetters = `test.order-requests-dlq-small.${uniqueSuffix()}`;

  beforeAll(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    await createTopicsWithLeaders(admin, [
      {
        topic: smallDeadLetters,
        numPartitions: 1,
        replicationFactor: 1,
        configEntries: [{ name: 'max.message.bytes', value: '4096' }],
      },
    ]);
    await admin.disconnect();
    sut = await startOrderSystem({ env: { ORDER_REQUESTS_DLQ_TOPIC: smallDeadLetters } });
    producer = createProducer(testKafka());
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await sut.admin.deleteTopics({ topics: [smallDeadLetters] }).catch(() => undefined);
    await sut.tearDown();
  });

  const worker = () => request(sut.worker!.url);

  it('when the worker’s consumer crashes for good, then /health answers 503 naming the consumer, and /ready too', async () => {
    const healthy = await worker().get('/health');
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ status: 'ok', service: 'order-worker' });

    await producer.send({
      topic: sut.topics.requests,
      messages: [{ key: 'too-big-to-dead-letter', value: `{not json ${'x'.repeat(20_000)}` }],
    });

    const dead = await eventually(async () => {
      const response = await worker().get('/health');
      return response.status === 503 ? response : undefined;
    }, 20_000);
    expect(dead.body).toMatchObject({
      status: 'unhealthy',
      service: 'order-worker',
      checks: {
        consumer: { status: 'down', error: expect.stringMatching(/crashed: .*larger than the max message size/) },
      },
    });
    expect((await worker().get('/ready')).status).toBe(503);
  });
});
