import type { Server } from 'node:http';
import { createLogger, type Logger } from '@ecom/service-kit/logging';
import { closeHttpServer, exitGracefullyOnSignals, listen, runMain } from '@ecom/service-kit/lifecycle';
import { LoadShedder, createServiceApp } from '@ecom/service-kit/http';
import { startIntentSweeper } from './abandoned-intent.sweeper';
import { loadConfig, type OrderServiceConfig } from './config';
import { openPlacementWiring, type PlacementWiring } from './placement.wiring';
import { IdempotencyRepository } from './data/idempotency.repository';
import { orderRoutes } from './http/order.routes';
import { OrderRequestProducer } from './messaging/order-request.producer';
import { createOrderMetrics, type OrderMetrics } from './order.metrics';
import { startRetentionSweeper } from './retention.sweeper';

export interface RunningOrderService {
  readonly server: Server;
  readonly url: string;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/** How long stop() waits for Kafka sends in flight: well inside the graceful shutdown's 20 s. */
const SENDS_SETTLE_LIMIT_MS = 5_000;

/** Wires the order service's HTTP API (sync and async ordering) and starts listening. */
export async function start(
  env: NodeJS.ProcessEnv = process.env,
  options: { logger?: Logger } = {},
): Promise<RunningOrderService> {
  const config = loadConfig(env);
  const logger =
    options.logger ??
    createLogger({ service: config.service, level: config.logLevel, bufferBytes: config.logBufferBytes });
  const wiring = await openPlacementWiring(config, logger, 'order-service');
  const orderMetrics = createOrderMetrics(wiring.resources.metrics.registry);
  const keys = new IdempotencyRepository(wiring.resources.db);
  const queue = new OrderRequestProducer(
    wiring.resources.producer,
    config.topics.orderRequests,
    config.kafkaAckTimeoutMs,
  );
  const { server, port, url } = await listen(
    createOrderApp(config, wiring, { keys, queue, metrics: orderMetrics, logger }),
    config.port,
    config.host,
  );
  wiring.relay.start();
  const housekeeping = startHousekeeping(config, wiring, { keys, metrics: orderMetrics, logger });
  logger.info({ port }, 'order service listening');

  const stop = async () => {
    await closeHttpServer(server);
    // A send still retrying would reconnect the producer after it disconnects; the wait is bounded
    // so that a broker outage cannot hold the shutdown past its limit.
    if (!(await queue.settled(SENDS_SETTLE_LIMIT_MS)))
      logger.warn({ limitMs: SENDS_SETTLE_LIMIT_MS }, 'Kafka sends still in flight at shutdown; disconnecting anyway');
    await Promise.all(housekeeping.map((task) => task.stop()));
    await wiring.close();
  };
  return { server, url, logger, stop };
}

interface Collaborators {
  readonly keys: IdempotencyRepository;
  readonly queue: OrderRequestProducer;
  readonly metrics: OrderMetrics;
  readonly logger: Logger;
}

function createOrderApp(
  config: OrderServiceConfig,
  wiring: PlacementWiring,
  { keys, queue, metrics, logger }: Collaborators,
) {
  const { resources, stock, orders, syncPlacement } = wiring;
  const routes = orderRoutes({
    orders,
    placement: syncPlacement,
    queue,
    admission: new LoadShedder(config.syncAdmission),
    idempotency: {
      keys,
      ttlMs: config.idempotencyKeyTtlMs,
      leaseMs: config.idempotencyLeaseMs,
      onCompletionFailed: (key, error) =>
        logger.warn({ err: error, key }, 'answer given but not stored with its key; a retry finds the order by id'),
    },
    metrics,
    processingWindowMs: config.processingWindowMs,
  });
  return createServiceApp({
    service: config.service,
    logger,
    metrics: resources.metrics,
    bodyLimit: config.bodyLimit,
    readiness: { ...resources.readiness, 'product-service': () => stock.checkReady() },
    routes: [routes.routes(), routes.allowedMethods()],
  });
}

/** The HTTP service's background work: the intent sweeper and retention. */
function startHousekeeping(
  config: OrderServiceConfig,
  wiring: PlacementWiring,
  { keys, metrics, logger }: Omit<Collaborators, 'queue'>,
) {
  const onReleased = (heldStock: boolean) => metrics.abandonedReleased.inc({ held: String(heldStock) });
  return [
    startIntentSweeper({ intents: wiring.intents, stock: wiring.stock, ...config.intentSweep, logger, onReleased }),
    startRetentionSweeper({
      db: wiring.resources.db,
      settings: config.retention,
      deleteExpiredKeys: (now, limit) => keys.deleteExpired(now, limit),
      logger,
    }),
  ];
}

if (require.main === module) {
  runMain(createLogger({ service: 'order-service' }), async () => {
    const service = await start();
    exitGracefullyOnSignals({ logger: service.logger, stop: service.stop });
  });
}
