import type { Knex } from 'knex';
import request from 'supertest';
import { migrateToLatest } from '@ecom/service-kit/db';
import { createTestDatabase, createTestTopic, testKafka, testLogger } from '@ecom/service-kit/testing';
import { migrations } from '../../src/data/migrations';
import { start, type RunningProductService } from '../../src/main';

export interface ProductServiceUnderTest {
  readonly api: ReturnType<typeof request>;
  readonly db: Knex;
  readonly topic: string;
  readonly service: RunningProductService;
  /** Stops the service (the database and topic stay, for a restart). */
  stopService(): Promise<void>;
  /** Starts the service again on the same database, topic and port (so clients find it again). */
  restart(options?: { startRelay?: boolean }): Promise<void>;
  /** Stops the service and removes the database and topic. */
  tearDown(): Promise<void>;
  /** Creates a product through the API (`demoProduct` with this stock and price); resolves with its id. */
  createProduct(stock: number, price?: string): Promise<number>;
  /** A product's stock, as the API answers it. */
  stockOf(productId: number): Promise<number>;
  /** `POST /internal/reservations` for one order. */
  reserve(orderId: string, items: readonly { product_id: number; quantity: number }[]): request.Test;
}

/**
 * The real product service, in-process on an ephemeral port, over a database and an events topic
 * of this test file's own (real MySQL, real Kafka).
 */
export async function startProductService(options: { startRelay?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const testDb = await createTestDatabase('product');
  await migrateToLatest(testDb.db, migrations);
  const admin = testKafka().admin();
  await admin.connect();
  const topic = await createTestTopic(admin, 'product-events', 3);
  const env = {
    ...process.env,
    PRODUCT_SERVICE_PORT: '0',
    PRODUCT_SERVICE_HOST: '127.0.0.1',
    PRODUCT_DB_NAME: testDb.name,
    PRODUCT_EVENTS_TOPIC: topic,
    ...options.env,
  };
  const launch = (startRelay = true, port = '0') =>
    start({ ...env, PRODUCT_SERVICE_PORT: port }, { logger: testLogger('product-service'), startRelay });
  let service = await launch(options.startRelay);
  const harness = {
    api: request(service.url),
    db: testDb.db,
    topic,
    service,
    stopService: () => service.stop(),
    restart: async ({ startRelay = true } = {}) => {
      service = await launch(startRelay, new URL(service.url).port);
      Object.assign(harness, { api: request(service.url), service });
    },
    tearDown: async () => {
      await service.stop().catch(() => undefined);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
      await testDb.drop();
    },
    createProduct: async (stock: number, price = demoProduct.price) =>
      (
        await harness.api
          .post('/products')
          .send({ ...demoProduct, stock, price })
          .expect(201)
      ).body.id as number,
    stockOf: async (productId: number) => (await harness.api.get(`/products/${productId}`)).body.stock as number,
    reserve: (orderId: string, items: readonly { product_id: number; quantity: number }[]) =>
      harness.api.post('/internal/reservations').send({ order_id: orderId, items }),
  };
  return harness as ProductServiceUnderTest;
}

export const demoProduct = {
  name: 'Test beans',
  description: 'for tests',
  category: 'coffee',
  price: '12.50',
  stock: 10,
};
