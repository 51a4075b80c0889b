import type { Server } from 'node:http';
import {
  OutboxRelay,
  registerPoolMetrics,
  closeHttpServer,
  createDatabase,
  createKafka,
  createLogger,
  createMetrics,
  createProducer,
  createServiceApp,
  exitGracefullyOnSignals,
  runMain,
  type Logger,
} from '@ecom/service-kit';
import { loadConfig } from './config';
import { ProductRepository } from './data/product.repository';
import { createUnitOfWork } from './data/unit-of-work';
import { productRoutes } from './http/product.routes';
import { reservationRoutes } from './http/reservation.routes';

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
  const logger = options.logger ?? createLogger({ service: config.service, level: config.logLevel });
  const db = createDatabase({ ...config.database, logger });
  const kafka = createKafka({ clientId: config.kafka.clientId, brokers: config.kafka.brokers, logger });
  const producer = createProducer(kafka);
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);

  const metrics = createMetrics(config.service);
  registerPoolMetrics(metrics.registry, db.client.pool);
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
    readiness: { mysql: () => db.raw('SELECT 1'), kafka: () => admin.describeCluster() },
    routes: [products.routes(), products.allowedMethods(), reservations.routes(), reservations.allowedMethods()],
  });

  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  if (options.startRelay !== false) relay.start();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port }, 'product service listening');

  const stop = async () => {
    await closeHttpServer(server);
    await relay.stop();
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    await db.destroy();
  };
  return { server, url: `http://127.0.0.1:${port}`, logger, relay, stop };
}

if (require.main === module) {
  runMain(createLogger({ service: 'product-service' }), async () => {
    const service = await start();
    exitGracefullyOnSignals({ logger: service.logger, stop: service.stop });
  });
}
