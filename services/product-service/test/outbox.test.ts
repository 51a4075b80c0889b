import type { Consumer, KafkaMessage } from 'kafkajs';
import { readHeader } from '@ecom/service-kit/kafka';
import { eventEnvelopeSchema } from '@ecom/service-kit/outbox';
import { eventually, testKafka, uniqueSuffix } from '@ecom/service-kit/testing';
import { demoProduct, startProductService, type ProductServiceUnderTest } from './support/product-service.harness';

describe('product events through the transactional outbox (real MySQL and Kafka)', () => {
  let sut: ProductServiceUnderTest;
  let consumer: Consumer;
  const received: KafkaMessage[] = [];

  beforeAll(async () => {
    sut = await startProductService({ startRelay: false });
    consumer = testKafka().consumer({ groupId: `test-outbox-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [sut.topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
  });

  afterAll(async () => {
    await consumer.disconnect();
    await sut.tearDown();
  });

  const envelopes = () => received.map((message) => eventEnvelopeSchema.parse(JSON.parse(String(message.value))));

  it('when events are committed while no relay runs, then they are published after a restart with the envelope and request id', async () => {
    const created = await sut.api.post('/products').set('X-Request-Id', 'req-outbox-1').send(demoProduct).expect(201);
    await sut.api.patch(`/products/${created.body.id}`).send({ price: '13.00' }).expect(200);
    const pending = await sut.db('outbox_events').whereNull('published_at').count({ n: '*' }).first();
    expect(Number(pending?.['n'])).toBe(2);

    await sut.stopService(); // a "crash" between commit and publish
    await sut.restart({ startRelay: true });

    await eventually(() => (received.length >= 2 ? true : undefined));
    const [first, second] = envelopes();
    expect(first).toMatchObject({ type: 'product.created', aggregate_id: String(created.body.id), version: 1 });
    expect(first?.payload['product']).toMatchObject({ name: demoProduct.name, price: '12.50' });
    expect(second).toMatchObject({ type: 'product.updated', version: 2 });
    expect(String(received[0]?.key)).toBe(String(created.body.id));
    expect(readHeader(received[0]?.headers, 'x-request-id')).toBe('req-outbox-1');
    expect(readHeader(received[0]?.headers, 'event-id')).toBe(first?.event_id);
    const stillPending = await sut.db('outbox_events').whereNull('published_at').count({ n: '*' }).first();
    expect(Number(stillPending?.['n'])).toBe(0);
  });

  it('when stock is reserved and released, then stock.reserved and stock.released events carry the order id', async () => {
    const { body: product } = await sut.api.post('/products').send(demoProduct).expect(201);
    await sut.api
      .post('/internal/reservations')
      .send({ order_id: 'order-evt', items: [{ product_id: product.id, quantity: 2 }] })
      .expect(201);
    await sut.api.post('/internal/reservations/order-evt/release').expect(200);

    const types = await eventually(() => {
      const forProduct = envelopes().filter((envelope) => envelope.aggregate_id === String(product.id));
      return forProduct.length >= 3 ? forProduct.map((envelope) => envelope.type) : undefined;
    });
    expect(types).toEqual(['product.created', 'stock.reserved', 'stock.released']);
    const reserved = envelopes().find((envelope) => envelope.type === 'stock.reserved');
    expect(reserved?.payload).toEqual({ order_id: 'order-evt', product_id: product.id, quantity: 2 });
  });

  it('when every event is read back, then no event_id appears twice', () => {
    const ids = envelopes().map((envelope) => envelope.event_id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
