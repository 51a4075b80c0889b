import type { Server } from 'node:http';
import { createLogger, type Logger } from '@ecom/service-kit/logging';
import { closeHttpServer, exitGracefullyOnSignals, listen, runMain } from '@ecom/service-kit/lifecycle';
import { createServiceApp } from '@ecom/service-kit/http';
import { WORKER_SESSION_TIMEOUT_MS, loadConfig } from './config';
import { openPlacementWiring } from './placement.wiring';
import { OrderWorker } from './messaging/order-request.consumer';
import { registerConsumerLag } from './messaging/consumer-lag.metrics';
import { watchConsumerLiveness } from './messaging/consumer-liveness';

export interface RunningOrderWorker {
  readonly server: Server;
  readonly url: string;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/**
 * The order worker: a consumer group on `order-requests` that places async orders with the same
 * rules as `POST /orders` (domain/place-async-orders.use-case.ts). Serves /health, /ready and /metrics on its own port;
 * /health fails once the consumer is dead (crashed without restarting, or stopped).
 */
export async function startWorker(
  env: NodeJS.ProcessEnv = process.env,
  options: { logger?: Logger } = {},
): Promise<RunningOrderWorker> {
  const config = loadConfig(env);
  const logger =
    options.logger ??
    createLogger({ service: 'order-worker', level: config.logLevel, bufferBytes: config.logBufferBytes });
  const { resources, relay, asyncPlacement, close } = await openPlacementWiring(config, logger, 'order-worker');
  const { kafka, producer, admin, metrics } = resources;
  const consumer = kafka.consumer({
    groupId: config.worker.group,
    sessionTimeout: WORKER_SESSION_TIMEOUT_MS,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: config.worker.fetchWaitMs,
  });
  await consumer.connect();
  registerConsumerLag(metrics.registry, admin, config.worker.group, config.topics.orderRequests);
  const worker = new OrderWorker({
    consumer,
    producer,
    placement: asyncPlacement,
    topic: config.topics.orderRequests,
    deadLetterTopic: config.topics.deadLetters,
    chunkSize: config.worker.chunkSize,
    partitionsConcurrently: config.worker.partitionsConcurrently,
    maxAttempts: config.worker.maxAttempts,
    logger,
    registry: metrics.registry,
  });
  const consumerLiveness = watchConsumerLiveness(consumer);

  const app = createServiceApp({
    service: 'order-worker',
    logger,
    metrics,
    readiness: {
      mysql: resources.readiness.mysql,
      kafka: async () => {
        await consumerLiveness.check();
        return resources.readiness.kafka();
      },
    },
    // A consumer dead for good fails /health too, so Docker and ECS replace the process.
    liveness: { consumer: consumerLiveness.check },
    routes: [],
  });
  const { server, port, url } = await listen(app, config.workerPort, config.host);
  relay.start();
  await worker.start();
  logger.info({ port, group: config.worker.group }, 'order worker consuming');

  const stop = async () => {
    await consumer.disconnect(); // finishes the batch in hand and commits its offsets
    await closeHttpServer(server);
    await close();
  };
  return { server, url, logger, stop };
}

if (require.main === module) {
  runMain(createLogger({ service: 'order-worker' }), async () => {
    const worker = await startWorker();
    exitGracefullyOnSignals({ logger: worker.logger, stop: worker.stop });
  });
}
