import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { createProducer, readHeader } from '@ecom/service-kit/kafka';
import { eventually, testKafka, uniqueSuffix } from '@ecom/service-kit/testing';
import { newOrderId } from '../src/domain/order-id';
import { replayDeadLetters } from '../src/messaging/dead-letter-replay';
import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

describe('poison messages and the dead-letter topic (real Kafka)', () => {
  let sut: OrderSystemUnderTest;
  let producer: Producer;
  let consumer: Consumer;
  const deadLetters: KafkaMessage[] = [];

  beforeAll(async () => {
    sut = await startOrderSystem();
    producer = createProducer(testKafka());
    await producer.connect();
    consumer = testKafka().consumer({ groupId: `test-dlq-reader-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [sut.topics.deadLetters], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });
  });

  afterAll(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    await sut.tearDown();
  });

  const validRequest = (productId: number) => ({
    order_id: newOrderId(),
    user_id: 9,
    items: [{ product_id: productId, quantity: 1 }],
    accepted_at: new Date().toISOString(),
  });

  it('when poison messages arrive, then each is dead-lettered with its error and the next good message is placed', async () => {
    const productId = await sut.createProduct(10);
    const good = validRequest(productId);
    const poison = [
      { key: 'p1', value: '{not json' },
      { key: 'p2', value: JSON.stringify({ order_id: 'x', items: 'many' }) },
      { key: 'p3', value: JSON.stringify({ ...validRequest(productId), padding: 'x'.repeat(500_000), items: [] }) },
    ];
    await producer.send({
      topic: sut.topics.requests,
      messages: [...poison, { key: good.order_id, value: JSON.stringify(good) }],
    });

    const order = await sut.awaitOrder(good.order_id);
    expect(order['status']).toBe('pending');
    await eventually(() => (deadLetters.length >= 3 ? true : undefined));
    expect(deadLetters.map((message) => String(message.key)).sort()).toEqual(['p1', 'p2', 'p3']);
    for (const message of deadLetters) {
      expect(readHeader(message.headers, 'dlq-error')).toMatch(/invalid (JSON|order request)/);
      expect(readHeader(message.headers, 'dlq-source-topic')).toBe(sut.topics.requests);
    }
  });

  it('when dead letters are replayed, then valid ones are placed and poison ones stay dead-lettered', async () => {
    const productId = await sut.createProduct(10);
    const parked = validRequest(productId); // e.g. dead-lettered by an older, buggier worker
    await producer.send({
      topic: sut.topics.deadLetters,
      messages: [{ key: parked.order_id, value: JSON.stringify(parked) }],
    });
    // Counted by key: the parked copy may reach the collector before or after this line.
    const isPoison = (message: { key: Buffer | null }) => ['p1', 'p2', 'p3'].includes(String(message.key));
    const poisonBefore = deadLetters.filter(isPoison).length;

    const replayed = await replayDeadLetters({
      kafka: testKafka(),
      from: sut.topics.deadLetters,
      to: sut.topics.requests,
      groupId: `test-replay-${uniqueSuffix()}`,
    });

    expect(replayed).toBeGreaterThanOrEqual(4);
    expect((await sut.awaitOrder(parked.order_id))['status']).toBe('pending');
    await eventually(() => (deadLetters.filter(isPoison).length >= poisonBefore + 3 ? true : undefined));
  });
});
