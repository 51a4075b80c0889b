import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';
import { start } from '../src/main';
import request from 'supertest';
import { eventually, testLogger } from '@ecom/service-kit/testing';

describe('dependencies that are down: 503 with Retry-After, never a hang or a lost order', () => {
  let sut: OrderSystemUnderTest;
  const ordersCount = async () => Number((await sut.db('orders').count({ n: '*' }).first())?.['n']);

  beforeAll(async () => {
    sut = await startOrderSystem({ worker: false, env: { PRODUCT_SERVICE_TIMEOUT_MS: '1000' } });
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  it('when the product service is down, then sync orders get 503 with Retry-After and, once the circuit opens, fail fast', async () => {
    const productId = await sut.createProduct(10);
    const before = await ordersCount();
    await sut.product.stopService();
    try {
      const body = { user_id: 1, items: [{ product_id: productId, quantity: 1 }] };
      const first = await Promise.all(Array.from({ length: 12 }, () => sut.api.post('/orders').send(body)));
      const startedAt = Date.now();
      const afterOpen = await sut.api.post('/orders').send(body);
      const elapsedMs = Date.now() - startedAt;

      for (const response of [...first, afterOpen]) {
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toBeDefined();
        expect(response.body.error.code).toBe('service_unavailable');
      }
      expect(elapsedMs).toBeLessThan(200); // the breaker answers without calling the dead service
      expect(await ordersCount()).toBe(before);
    } finally {
      await sut.product.restart();
    }
  });

  it('when Kafka cannot take an async order, then 503 with Retry-After and no 202', async () => {
    const service = await start(
      { ...sut.env, ORDER_REQUESTS_TOPIC: 'no-such-topic-for-this-test', KAFKA_ACK_TIMEOUT_MS: '1500' },
      { logger: testLogger() },
    );
    try {
      const startedAt = Date.now();
      const response = await request(service.url)
        .post('/orders/async')
        .send({ user_id: 1, items: [{ product_id: 1, quantity: 1 }] });

      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.body.error.details[0].dependency).toBe('kafka');
      expect(Date.now() - startedAt).toBeLessThan(10_000);
    } finally {
      await service.stop();
    }
  });

  it('when MySQL is unreachable, then reads and orders get 503 with Retry-After and no stock moves', async () => {
    const productId = await sut.createProduct(10);
    const unreachable = await start({ ...sut.env, MYSQL_PORT: '1' }, { logger: testLogger() });
    try {
      const read = await request(unreachable.url).get('/orders?limit=1');
      const placed = await request(unreachable.url)
        .post('/orders')
        .send({ user_id: 1, items: [{ product_id: productId, quantity: 2 }] });

      for (const response of [read, placed]) {
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toBeDefined();
      }
      expect(await sut.stockOf(productId)).toBe(10);
      expect((await request(unreachable.url).get('/ready')).status).toBe(503);
    } finally {
      await unreachable.stop();
    }
  });
});

describe('the worker when the product service is down', () => {
  let sut: OrderSystemUnderTest;

  beforeAll(async () => {
    sut = await startOrderSystem({ env: { PRODUCT_SERVICE_TIMEOUT_MS: '1000' } });
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  it('when orders arrive while it is down, then none is dead-lettered or lost, and all are placed once it is back', async () => {
    const productId = await sut.createProduct(100);
    await sut.product.stopService();
    const ids: string[] = [];
    try {
      for (let index = 0; index < 20; index += 1) {
        const response = await sut.api
          .post('/orders/async')
          .send({ user_id: 1, items: [{ product_id: productId, quantity: 1 }] });
        expect(response.status).toBe(202);
        ids.push(response.body.id);
      }
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // the worker tries, fails, backs off
      expect(Number((await sut.db('orders').count({ n: '*' }).first())?.['n'])).toBe(0);
      const [offsets] = await sut.admin.fetchTopicOffsets(sut.topics.deadLetters);
      expect(offsets?.high).toBe('0');
      expect((await sut.api.get(`/orders/${ids[0]}`)).status).toBe(202); // still processing, not lost
    } finally {
      await sut.product.restart();
    }

    await eventually(async () => {
      const row = await sut.db('orders').whereIn('id', ids).where({ status: 'pending' }).count({ n: '*' }).first();
      return Number(row?.['n']) === ids.length ? true : undefined;
    }, 60_000);
    expect(await sut.stockOf(productId)).toBe(80);
  }, 90_000);
});
