import { createServer, type Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config';
import { answerClientErrorsInJson, clientTimeoutOptions } from './http/client-errors';
import { apiDocsRoutes } from './http/api-docs.routes';
import { errorHandler, notFoundHandler } from './http/errors.middleware';
import { createGatewayMetrics, type GatewayMetrics } from './http/gateway-metrics';
import type { Middleware } from './http/middleware-chain';
import { operabilityRoutes } from './http/operability.routes';
import { proxyRoutes } from './http/proxy.routes';
import { requestEdge } from './http/request-edge.middleware';
import { corsFor } from './http/security.middleware';
import { matchPublicRoute } from './upstreams/route-table';
import { upstreamChecks } from './upstreams/upstream-readiness';
import { createUpstreamAgent } from './upstreams/upstream-agent';

export interface GatewayDependencies {
  readonly metrics?: GatewayMetrics;
  /** The upstream connection pool; one is made from config when absent. */
  readonly agent?: Agent | false;
}

/** The gateway as a Node request listener (what supertest drives), able to open its own server. */
export interface GatewayApp {
  (req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host?: string): Server;
}

/**
 * Builds the gateway; no port is opened here, so tests drive it in-process. Every request gets
 * the request id, security headers, latency metric and access log (request-edge.middleware.ts),
 * and CORS when origins are configured. A request on a public route (route-table.ts) then takes
 * the proxy's path (body limit, rate limit, stream to the service); anything else goes to the
 * Express app of the gateway's own routes (/openapi.json, /docs, /health, /ready, /metrics), the
 * JSON 404 and the one error mapping.
 */
export function createApp(config: GatewayConfig, logger: Logger, dependencies: GatewayDependencies = {}): GatewayApp {
  const metrics = dependencies.metrics ?? createGatewayMetrics();
  const agent = dependencies.agent ?? createUpstreamAgent(config.upstreamKeepAlive);
  const cors = corsFor(config.corsOrigins);
  const everyRequest = cors ? [requestEdge(logger, metrics), cors] : [requestEdge(logger, metrics)];
  const proxy = proxyRoutes({ config, metrics, logger, agent, everyRequest });
  const local = localRoutes(config, logger, metrics, everyRequest);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const route = matchPublicRoute(req.method, req.url);
    if (route === undefined) local(req, res);
    else proxy(req, res, route);
  };
  const listen = (port: number, host?: string) => {
    const server = createServer(clientTimeoutOptions(config.requestTimeoutMs), handle);
    return answerClientErrorsInJson(server, logger).listen(port, host);
  };
  return Object.assign(handle, { listen });
}

function localRoutes(
  config: GatewayConfig,
  logger: Logger,
  metrics: GatewayMetrics,
  everyRequest: readonly Middleware[],
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops);
  everyRequest.forEach((middleware) => app.use(middleware));
  app.use(apiDocsRoutes(config.openApiSpecPath));
  const checks = upstreamChecks(config.upstreams, config.upstreamCheckTimeoutMs);
  app.use(operabilityRoutes(checks, config.upstreamCheckTimeoutMs, metrics));
  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}
