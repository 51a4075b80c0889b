import type { Server } from 'node:http';
import {
  OutboxRelay,
  closeHttpServer,
  createLogger,
  createServiceApp,
  exitGracefullyOnSignals,
  listen,
  openServiceResources,
  runMain,
  type Logger,
} from '@ecom/service-kit';
import { ProductServiceClient } from './clients/product-service.client';
import { loadConfig } from './config';
import { IdempotencyRepository } from './data/idempotency.repository';
import { OrderRepository } from './data/order.repository';
import { createUnitOfWork } from './data/unit-of-work';
import { acceptForLater, placeNow } from './domain/order-front-doors.use-case';
import type { PlacementDependencies } from './domain/place-orders.use-case';
import { orderRoutes } from './http/order.routes';
import { OrderRequestProducer } from './messaging/order-request.producer';
import { createOrderMetrics } from './order.metrics';

export interface RunningOrderService {
  readonly server: Server;
  readonly url: string;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/** Wires the order service's HTTP API (sync and async ordering) and starts listening. */
export async function start(
  env: NodeJS.ProcessEnv = process.env,
  options: { logger?: Logger } = {},
): Promise<RunningOrderService> {
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger({ service: config.service, level: config.logLevel });
  const resources = await openServiceResources({
    service: config.service,
    clientId: config.kafka.clientId,
    brokers: config.kafka.brokers,
    database: config.database,
    logger,
  });
  const { db, producer, metrics } = resources;
  const orderMetrics = createOrderMetrics(metrics.registry);
  const relay = new OutboxRelay({
    db,
    producer,
    logger,
    registry: metrics.registry,
    topicNames: { 'order-events': config.topics.orderEvents },
  });
  const unitOfWork = createUnitOfWork(db, () => relay.wake());
  const orders = new OrderRepository(db);
  const stock = new ProductServiceClient({ ...config.productService, logger, registry: metrics.registry });
  const placement: PlacementDependencies = {
    unitOfWork,
    orders,
    stock,
    onCompensationFailed: (orderId, error) =>
      logger.error({ err: error, order_id: orderId }, 'could not release the stock of a failed order'),
  };
  const requests = new OrderRequestProducer(producer, config.topics.orderRequests, config.kafkaAckTimeoutMs);

  const hooks = {
    onOutcome: (mode: 'sync' | 'async', outcome: string) => orderMetrics.outcomes.inc({ mode, outcome }),
  };

  const routes = orderRoutes({
    orders,
    unitOfWork,
    stock,
    idempotency: { keys: new IdempotencyRepository(db), ttlMs: config.idempotencyKeyTtlMs },
    processingWindowMs: config.processingWindowMs,
    placeSync: placeNow(placement, hooks),
    acceptAsync: acceptForLater((message) => requests.send(message), hooks),
  });
  const app = createServiceApp({
    service: config.service,
    logger,
    metrics,
    bodyLimit: config.bodyLimit,
    readiness: { ...resources.readiness, 'product-service': () => stock.checkReady() },
    routes: [routes.routes(), routes.allowedMethods()],
  });

  const { server, port, url } = await listen(app, config.port, config.host);
  relay.start();
  logger.info({ port }, 'order service listening');

  const stop = async () => {
    await closeHttpServer(server);
    await relay.stop();
    stock.shutdown();
    await resources.close();
  };
  return { server, url, logger, stop };
}

if (require.main === module) {
  runMain(createLogger({ service: 'order-service' }), async () => {
    const service = await start();
    exitGracefullyOnSignals({ logger: service.logger, stop: service.stop });
  });
}
