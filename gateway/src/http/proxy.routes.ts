import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import type { PublicRoute, UpstreamName } from '../upstreams/route-table';
import { upstreamError } from '../upstreams/upstream-errors';
import { createUpstreamProxy } from './upstream-proxy.middleware';
import { rejectOversizedBody } from './body-limit.middleware';
import { respondWithError } from './errors.middleware';
import type { GatewayMetrics } from './gateway-metrics';
import { runChain, type Middleware } from './middleware-chain';
import { limitRequestRate } from './rate-limit.middleware';
import { setRouteTemplate } from './route-template';

export interface ProxyRoutesOptions {
  readonly config: GatewayConfig;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly agent: Agent | false;
  /** What runs on every request of the gateway (request id, access log, metrics, security headers, CORS). */
  readonly everyRequest: readonly Middleware[];
}

/** Handles one request that matched a public route. */
export type ProxyHandler = (req: IncomingMessage, res: ServerResponse, route: PublicRoute) => void;

/**
 * The public API, on the hot path: the common middleware, the body-size check and the rate limit,
 * then the request streams to its service (bodies are never parsed here). This path does not go
 * through Express's router and request/response decoration, which cost more than everything
 * else together (see performance-tests/gateway/README.md); its middleware are the same
 * Connect-style functions, run in a fixed order, and its errors take the same JSON shape.
 */
export function proxyRoutes(options: ProxyRoutesOptions): ProxyHandler {
  const { config, logger, everyRequest } = options;
  const guards: Middleware[] = [...everyRequest, rejectOversizedBody(config.bodyLimitBytes)];
  if (config.rateLimit.enabled) guards.push(limitRequestRate(config.rateLimit.perMinute, config.trustProxyHops));
  const chains: Record<UpstreamName, readonly Middleware[]> = {
    'product-service': [...guards, forwarderTo('product-service', options)],
    'order-service': [...guards, forwarderTo('order-service', options)],
  };
  const respond = respondWithError(logger);
  return (req, res, route) => {
    setRouteTemplate(req, route.template);
    runChain(chains[route.upstream], req, res, (error) => respond(req, res, error));
  };
}

function forwarderTo(name: UpstreamName, { config, metrics, logger, agent }: ProxyRoutesOptions): Middleware {
  const urls = config.upstreams[name];
  if (urls === undefined || urls.length === 0) {
    return (_req, _res, next) => {
      metrics.upstreamErrors.labels(name, 'unconfigured').inc();
      next(upstreamError(name, 'unconfigured'));
    };
  }
  const { upstreamTimeoutMs: timeoutMs, bodyLimitBytes } = config;
  return createUpstreamProxy({ name, urls, timeoutMs, bodyLimitBytes, agent, metrics, logger });
}
