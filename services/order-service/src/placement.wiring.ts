import type { Logger } from '@ecom/service-kit/logging';
import { OutboxRelay } from '@ecom/service-kit/outbox';
import { openServiceResources, type ServiceResources } from '@ecom/service-kit/resources';
import { ProductServiceClient } from './clients/product-service.client';
import type { OrderServiceConfig } from './config';
import { OrderRepository } from './data/order.repository';
import { PlacementIntentRepository } from './data/placement-intent.repository';
import { createUnitOfWork } from './data/unit-of-work';
import type { AsyncPlacementDependencies } from './domain/place-async-orders.use-case';
import type { SyncPlacementDependencies } from './domain/place-sync-order.use-case';

/** What both order processes (HTTP service and worker) need to place orders, opened once. */
export interface PlacementWiring {
  readonly resources: ServiceResources;
  readonly relay: OutboxRelay;
  readonly stock: ProductServiceClient;
  /** Sync placements' intents: written by placement, swept by the HTTP service. */
  readonly intents: PlacementIntentRepository;
  readonly orders: OrderRepository;
  /** What the sync use case needs (the HTTP service). */
  readonly syncPlacement: SyncPlacementDependencies;
  /** What the async use case needs (the worker). */
  readonly asyncPlacement: AsyncPlacementDependencies;
  /** Stops the relay, the breaker and the connections (after the caller stopped taking work). */
  close(): Promise<void>;
}

export async function openPlacementWiring(
  config: OrderServiceConfig,
  logger: Logger,
  process: 'order-service' | 'order-worker',
): Promise<PlacementWiring> {
  const resources = await openServiceResources({
    service: process,
    clientId: process === 'order-worker' ? `${config.kafka.clientId}-worker` : config.kafka.clientId,
    brokers: config.kafka.brokers,
    kafkaSecurity: config.kafka.security,
    database: config.database,
    logger,
  });
  const { db, producer, metrics } = resources;
  const relay = new OutboxRelay({
    db,
    producer,
    logger,
    registry: metrics.registry,
    topicNames: { 'order-events': config.topics.orderEvents },
  });
  const stock = new ProductServiceClient({ ...config.productService, logger, registry: metrics.registry });
  const intents = new PlacementIntentRepository(db);
  const orders = new OrderRepository(db);
  const unitOfWork = createUnitOfWork(db, () => relay.wake());
  const syncPlacement: SyncPlacementDependencies = { unitOfWork, stock, intents, ...compensationLogging(logger) };
  const close = async () => {
    await relay.stop();
    stock.shutdown();
    await resources.close();
  };
  return {
    resources,
    relay,
    stock,
    intents,
    orders,
    syncPlacement,
    asyncPlacement: { unitOfWork, orders, stock },
    close,
  };
}

/** What a sync placement reports when it leaves work to the intent sweeper. */
function compensationLogging(logger: Logger): Pick<SyncPlacementDependencies, 'onCompensationFailed' | 'onIntentKept'> {
  return {
    onCompensationFailed: (orderId, error) =>
      logger.error(
        { err: error, order_id: orderId },
        'could not release the stock of a failed order; the intent sweeper will release it',
      ),
    onIntentKept: (orderId, error) =>
      logger.warn({ err: error, order_id: orderId }, 'could not remove a placement intent; the sweeper will'),
  };
}
