import { OutboxRelay, openServiceResources, type Logger, type ServiceResources } from '@ecom/service-kit';
import { ProductServiceClient } from './clients/product-service.client';
import type { OrderServiceConfig } from './config';
import { OrderRepository } from './data/order.repository';
import { PlacementIntentRepository } from './data/placement-intent.repository';
import { createUnitOfWork } from './data/unit-of-work';
import type { PlacementDependencies } from './domain/place-orders.use-case';

/** What both order processes (HTTP service and worker) need to place orders, opened once. */
export interface PlacementWiring {
  readonly resources: ServiceResources;
  readonly relay: OutboxRelay;
  readonly stock: ProductServiceClient;
  /** Sync placements' intents: written by placement, swept by the HTTP service. */
  readonly intents: PlacementIntentRepository;
  readonly placement: PlacementDependencies;
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
  const placement: PlacementDependencies = {
    unitOfWork: createUnitOfWork(db, () => relay.wake()),
    orders: new OrderRepository(db),
    stock,
    intents,
    onCompensationFailed: (orderId, error) =>
      logger.error(
        { err: error, order_id: orderId },
        'could not release the stock of a failed order; the intent sweeper will release it',
      ),
    onIntentKept: (orderId, error) =>
      logger.warn({ err: error, order_id: orderId }, 'could not remove a placement intent; the sweeper will'),
  };
  const close = async () => {
    await relay.stop();
    stock.shutdown();
    await resources.close();
  };
  return { resources, relay, stock, intents, placement, close };
}
