import type { Server } from 'node:http';
import type { Logger } from 'pino';

/**
 * Stops accepting connections and resolves once every in-flight request has finished. Idle
 * keep-alive sockets are closed at once; sockets still busy after `graceMs` are destroyed.
 */
export function closeHttpServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close((error) => {
      clearTimeout(force);
      return error ? reject(error) : resolve();
    });
    server.closeIdleConnections();
  });
}

export interface ShutdownOptions {
  readonly logger: Logger;
  /** Stops the service: stop accepting, drain, disconnect Kafka, destroy the pool, in that order. */
  readonly stop: () => Promise<void>;
  /** After this long the process exits non-zero even if `stop` has not finished. */
  readonly timeoutMs?: number;
  readonly exit?: (code: number) => void;
}

/**
 * On SIGTERM or SIGINT, runs `stop` once and exits 0 when it succeeds, 1 when it fails or takes
 * longer than `timeoutMs`. A second signal while stopping is ignored (the first one is in charge).
 */
export function exitGracefullyOnSignals({
  logger,
  stop,
  timeoutMs = 20_000,
  exit = (code) => process.exit(code),
}: ShutdownOptions): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long, exiting');
      exit(1);
    }, timeoutMs);
    deadline.unref();
    stop().then(
      () => {
        clearTimeout(deadline);
        logger.info('stopped cleanly');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/**
 * Runs a service's `start` and reports a failure to start (bad config, a dependency missing)
 * as one log line and exit code 1, instead of an unhandled rejection.
 */
export function runMain(logger: Pick<Logger, 'fatal'>, start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    logger.fatal({ err: error }, 'failed to start');
    process.exitCode = 1;
    setImmediate(() => process.exit(1));
  });
}
