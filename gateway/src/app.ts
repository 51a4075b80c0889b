import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config';
import { errorHandler, notFoundHandler } from './http/errors.middleware';
import { operabilityRoutes } from './http/operability.routes';
import { requestIdMiddleware } from './http/request-id.middleware';
import { upstreamChecks } from './upstreams/upstream-readiness';

/** Builds the gateway's Express app; no port is opened here, so tests drive it in-process. */
export function createApp(config: GatewayConfig, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestIdMiddleware());
  app.use(
    operabilityRoutes(upstreamChecks(config.upstreams, config.upstreamCheckTimeoutMs), config.upstreamCheckTimeoutMs),
  );
  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}
