import type { Server } from 'node:http';
import {
  AppError,
  LoadShedder,
  closeHttpServer,
  createLogger,
  createServiceApp,
  exitGracefullyOnSignals,
  listen,
  runMain,
  type Logger,
} from '@ecom/service-kit';
import { startIntentSweeper } from './abandoned-intent.sweeper';
import { loadConfig } from './config';
import { openPlacementWiring } from './placement.wiring';
import { IdempotencyRepository } from './data/idempotency.repository';
import { acceptForLater, placeNow } from './domain/order-front-doors.use-case';
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
  const logger =
    options.logger ??
    createLogger({ service: config.service, level: config.logLevel, bufferBytes: config.logBufferBytes });
  const { resources, relay, stock, intents, placement, close } = await openPlacementWiring(
    config,
    logger,
    'order-service',
  );
  const { db, producer, metrics } = resources;
  const orderMetrics = createOrderMetrics(metrics.registry);
  const requests = new OrderRequestProducer(producer, config.topics.orderRequests, config.kafkaAckTimeoutMs);

  const hooks = {
    onOutcome: (mode: 'sync' | 'async', outcome: string) => orderMetrics.outcomes.inc({ mode, outcome }),
  };

  const routes = orderRoutes({
    orders: placement.orders,
    unitOfWork: placement.unitOfWork,
    stock,
    idempotency: { keys: new IdempotencyRepository(db), ttlMs: config.idempotencyKeyTtlMs },
    processingWindowMs: config.processingWindowMs,
    placeSync: admitted(placeNow(placement, hooks), new LoadShedder(config.syncAdmission), () =>
      orderMetrics.outcomes.inc({ mode: 'sync', outcome: 'shed' }),
    ),
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
  const onReleased = (heldStock: boolean) => orderMetrics.abandonedReleased.inc({ held: String(heldStock) });
  const sweeper = startIntentSweeper({ intents, stock, ...config.intentSweep, logger, onReleased });
  logger.info({ port }, 'order service listening');

  const stop = async () => {
    await closeHttpServer(server);
    await sweeper.stop();
    await close();
  };
  return { server, url, logger, stop };
}

/** `place`, run under admission control: over capacity it is refused (503) rather than queued. */
function admitted<T, R>(place: (body: T) => Promise<R>, shedder: LoadShedder, onShed: () => void) {
  return (body: T) =>
    shedder
      .run(() => place(body))
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'overloaded') onShed();
        throw error;
      });
}

if (require.main === module) {
  runMain(createLogger({ service: 'order-service' }), async () => {
    const service = await start();
    exitGracefullyOnSignals({ logger: service.logger, stop: service.stop });
  });
}
