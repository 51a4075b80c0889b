import type { Server } from 'node:http';
import { createLogger, type Logger } from '@ecom/service-kit/logging';
import { closeHttpServer, exitGracefullyOnSignals, listen, runMain } from '@ecom/service-kit/lifecycle';
import { createServiceApp } from '@ecom/service-kit/http';
import { OutboxRelay } from '@ecom/service-kit/outbox';
import { openServiceResources } from '@ecom/service-kit/resources';
import { loadConfig } from './config';
import { ProductRepository } from './data/product.repository';
import { createUnitOfWork } from './data/unit-of-work';
import { productRoutes } from './http/product.routes';
import { reservationRoutes } from './http/reservation.routes';
import { startRetentionSweeper } from './retention.sweeper';

export interface RunningProductService {
  readonly server: Server;
  readonly url: string;
  readonly logger: Logger;
  readonly relay: OutboxRelay;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  /** Tests start the relay themselves to control when events leave the outbox. */
  readonly startRelay?: boolean;
}

/** Wires the product service (HTTP API + outbox relay) and starts listening. */
export async function start(
  env: NodeJS.ProcessEnv = process.env,
  options: StartOptions = {},
): Promise<RunningProductService> {
  const config = loadConfig(env);
  const logger =
    options.logger ??
    createLogger({ service: config.service, level: config.logLevel, bufferBytes: config.logBufferBytes });
  const resources = await openServiceResources({
    service: config.service,
    clientId: config.kafka.clientId,
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
    batchSize: config.outboxBatchSize,
    topicNames: config.topicNames,
  });
  const unitOfWork = createUnitOfWork(db, () => relay.wake());
  const products = productRoutes(unitOfWork, new ProductRepository(db));
  const reservations = reservationRoutes(unitOfWork);
  const app = createServiceApp({
    service: config.service,
    logger,
    metrics,
    bodyLimit: config.bodyLimit,
    readiness: resources.readiness,
    routes: [products.routes(), products.allowedMethods(), reservations.routes(), reservations.allowedMethods()],
  });

  const { server, port, url } = await listen(app, config.port, config.host);
  if (options.startRelay !== false) relay.start();
  const retention = startRetentionSweeper(db, config.retention, logger);
  logger.info({ port }, 'product service listening');

  const stop = async () => {
    await closeHttpServer(server);
    await retention.stop();
    await relay.stop();
    await resources.close();
  };
  return { server, url, logger, relay, stop };
}

if (require.main === module) {
  runMain(createLogger({ service: 'product-service' }), async () => {
    const service = await start();
    exitGracefullyOnSignals({ logger: service.logger, stop: service.stop });
  });
}
