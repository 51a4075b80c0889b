import type { Server } from 'node:http';
import { createLogger, type Logger } from '@ecom/service-kit/logging';
import { closeHttpServer, exitGracefullyOnSignals, listen, runMain } from '@ecom/service-kit/lifecycle';
import { LoadShedder, createServiceApp } from '@ecom/service-kit/http';
import { startIntentSweeper } from './abandoned-intent.sweeper';
import { loadConfig } from './config';
import { openPlacementWiring } from './placement.wiring';
import { IdempotencyRepository } from './data/idempotency.repository';
import { orderRoutes } from './http/order.routes';
import { OrderRequestProducer } from './messaging/order-request.producer';
import { createOrderMetrics } from './order.metrics';
import { startRetentionSweeper } from './retention.sweeper';

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
  const logger =
    options.logger ??
    createLogger({ service: config.service, level: config.logLevel, bufferBytes: config.logBufferBytes });
  const { resources, relay, stock, intents, orders, syncPlacement, close } = await openPlacementWiring(
    config,
    logger,
    'order-service',
  );
  const { db, producer, metrics } = resources;
  const orderMetrics = createOrderMetrics(metrics.registry);
  const routes = orderRoutes({
    orders,
    placement: syncPlacement,
    queue: new OrderRequestProducer(producer, config.topics.orderRequests, config.kafkaAckTimeoutMs),
    admission: new LoadShedder(config.syncAdmission),
    idempotency: {
      keys: new IdempotencyRepository(db),
      ttlMs: config.idempotencyKeyTtlMs,
      leaseMs: config.idempotencyLeaseMs,
      onCompletionFailed: (key, error) =>
        logger.warn({ err: error, key }, 'answer given but not stored with its key; a retry finds the order by id'),
    },
    metrics: orderMetrics,
    processingWindowMs: config.processingWindowMs,
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
  const onReleased = (heldStock: boolean) => orderMetrics.abandonedReleased.inc({ held: String(heldStock) });
  const sweeper = startIntentSweeper({ intents, stock, ...config.intentSweep, logger, onReleased });
  const keys = new IdempotencyRepository(db);
  const retention = startRetentionSweeper({
    db,
    settings: config.retention,
    deleteExpiredKeys: (now, limit) => keys.deleteExpired(now, limit),
    logger,
  });
  logger.info({ port }, 'order service listening');

  const stop = async () => {
    await closeHttpServer(server);
    await sweeper.stop();
    await retention.stop();
    await close();
  };
  return { server, url, logger, stop };
}

if (require.main === module) {
  runMain(createLogger({ service: 'order-service' }), async () => {
    const service = await start();
    exitGracefullyOnSignals({ logger: service.logger, stop: service.stop });
  });
}
