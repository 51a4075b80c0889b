import type { Knex } from 'knex';
import type { Admin } from 'kafkajs';
import request from 'supertest';
import { migrateToLatest } from '@ecom/service-kit/db';
import {
  createTestDatabase,
  createTestTopic,
  eventually,
  testKafka,
  testLogger,
  uniqueSuffix,
} from '@ecom/service-kit/testing';
import { startProductService, type ProductServiceUnderTest } from '@ecom/product-service/testing';
import { migrations } from '../../src/data/migrations';
import { readConsumerLag } from '../../src/messaging/consumer-lag.metrics';
import type { FaultProxy } from './fault-proxy';
import { start, type RunningOrderService } from '../../src/main';
import { startWorker, type RunningOrderWorker } from '../../src/worker';

export interface OrderSystemUnderTest {
  readonly api: ReturnType<typeof request>;
  readonly db: Knex;
  readonly product: ProductServiceUnderTest;
  readonly admin: Admin;
  readonly env: NodeJS.ProcessEnv;
  readonly topics: { readonly requests: string; readonly deadLetters: string; readonly events: string };
  worker: RunningOrderWorker | undefined;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  /** Creates a product in the real product service and returns its id. */
  createProduct(stock: number, price?: string): Promise<number>;
  stockOf(productId: number): Promise<number>;
  /** Waits until the worker's group has consumed everything on the requests topic. */
  waitForWorkerToDrain(timeoutMs?: number): Promise<void>;
  /** Polls GET /orders/:id until the order is no longer processing. */
  awaitOrder(id: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  tearDown(): Promise<void>;
}

/**
 * The real order service and worker in-process, with the real product service, over databases
 * and topics of this test file's own (real MySQL, real Kafka).
 */
export async function startOrderSystem(
  options: { worker?: boolean; env?: NodeJS.ProcessEnv; proxy?: FaultProxy } = {},
): Promise<OrderSystemUnderTest> {
  const product = await startProductService();
  // The order service and worker reach the product service through the test's proxy, if any.
  if (options.proxy) options.proxy.targetUrl = product.service.url;
  const testDb = await createTestDatabase('order');
  await migrateToLatest(testDb.db, migrations);
  const admin = testKafka().admin();
  await admin.connect();
  const topics = {
    requests: await createTestTopic(admin, 'order-requests', 6),
    deadLetters: await createTestTopic(admin, 'order-requests-dlq', 1),
    events: await createTestTopic(admin, 'order-events', 3),
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ORDER_SERVICE_PORT: '0',
    ORDER_WORKER_PORT: '0',
    ORDER_SERVICE_HOST: '127.0.0.1',
    ORDER_DB_NAME: testDb.name,
    ORDER_DB_POOL_MAX: '20',
    PRODUCT_SERVICE_URLS: options.proxy?.url ?? product.service.url,
    ORDER_REQUESTS_TOPIC: topics.requests,
    ORDER_REQUESTS_DLQ_TOPIC: topics.deadLetters,
    ORDER_EVENTS_TOPIC: topics.events,
    ORDER_WORKER_GROUP: `test-order-worker-${uniqueSuffix()}`,
    ...options.env,
  };
  const service: RunningOrderService = await start(env, { logger: testLogger('order-service') });
  const sut: OrderSystemUnderTest = {
    api: request(service.url),
    db: testDb.db,
    product,
    admin,
    env,
    topics,
    worker: undefined,
    startWorker: async () => {
      sut.worker = await startWorker(env, { logger: testLogger('order-worker') });
    },
    stopWorker: async () => {
      await sut.worker?.stop();
      sut.worker = undefined;
    },
    createProduct: async (stock, price = '5.00') =>
      (await product.api.post('/products').send({ name: 'Order test product', price, stock }).expect(201)).body.id,
    stockOf: async (productId) => (await product.api.get(`/products/${productId}`)).body.stock,
    waitForWorkerToDrain: async (timeoutMs = 20_000) => {
      await eventually(async () => {
        const lag = await readConsumerLag(admin, env['ORDER_WORKER_GROUP']!, topics.requests);
        return lag.every((partition) => partition.lag === 0) ? true : undefined;
      }, timeoutMs);
    },
    awaitOrder: (id, timeoutMs = 20_000) =>
      eventually(async () => {
        const response = await sut.api.get(`/orders/${id}`);
        return response.status === 200 ? (response.body as Record<string, unknown>) : undefined;
      }, timeoutMs),
    tearDown: async () => {
      await sut.stopWorker().catch(() => undefined);
      await service.stop().catch(() => undefined);
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.disconnect();
      await testDb.drop();
      await product.tearDown();
    },
  };
  if (options.worker !== false) await sut.startWorker();
  return sut;
}

/** Units of `productId` held by live (not released) reservations, from the product database. */
export async function reservedUnits(product: ProductServiceUnderTest, productId: number): Promise<number> {
  const row = await product
    .db('stock_reservation_items as i')
    .join('stock_reservations as r', 'r.order_id', 'i.order_id')
    .where({ 'r.status': 'reserved', 'i.product_id': productId })
    .sum({ units: 'i.quantity' })
    .first();
  return Number(row?.['units'] ?? 0);
}

/** Units of `productId` on the lines of pending orders, from the order database. */
export async function pendingUnits(db: Knex, productId: number): Promise<number> {
  const row = await db('order_items as i')
    .join('orders as o', 'o.id', 'i.order_id')
    .where({ 'i.product_id': productId, 'o.status': 'pending' })
    .sum({ units: 'i.quantity' })
    .first();
  return Number(row?.['units'] ?? 0);
}
