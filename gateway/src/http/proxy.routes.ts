import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { createTokenVerifier } from '@ecom/auth';
import type { GatewayConfig } from '../config';
import type { PublicRoute, UpstreamName } from '../upstreams/route-table';
import { upstreamError } from '../upstreams/upstream-errors';
import { authenticate, authorize } from './authentication.middleware';
import { createUpstreamProxy } from './upstream-proxy.middleware';
import { rejectOversizedBody } from './body-limit.middleware';
import { respondWithError } from './errors.middleware';
import type { GatewayMetrics } from './gateway-metrics';
import { runChain, type Middleware } from './middleware-chain';
import { limitRequestRate } from './rate-limit.middleware';
import { accessTo } from './route-access';
import { routeTemplateOf, setRouteTemplate } from './route-template';

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
 * The public API, on the hot path: the common middleware, the body-size check, the bearer token
 * (authentication.middleware.ts: verified, then counted by the rate limit under its subject, then
 * checked against the route's roles), then the request streams to its service (bodies are never
 * parsed here). This path does not go
 * through Express's router and request/response decoration, which cost more than everything
 * else together (see performance-tests/gateway/README.md); its middleware are the same
 * Connect-style functions, run in a fixed order, and its errors take the same JSON shape.
 */
export function proxyRoutes(options: ProxyRoutesOptions): ProxyHandler {
  const { logger } = options;
  const guardsTo = guards(options);
  const chains: Record<UpstreamName, readonly Middleware[]> = {
    'product-service': [...guardsTo('product-service'), forwarderTo('product-service', options)],
    'order-service': [...guardsTo('order-service'), forwarderTo('order-service', options)],
  };
  const respond = respondWithError(logger);
  return (req, res, route) => {
    setRouteTemplate(req, route.template);
    runChain(chains[route.upstream], req, res, (error) => respond(req, res, error));
  };
}

/**
 * What a request passes before it is forwarded: size, identity, rate, role. One token verifier
 * (and its cache) and one rate limit serve both services; only the route's roles differ.
 */
function guards({ config, everyRequest }: ProxyRoutesOptions): (name: UpstreamName) => Middleware[] {
  const { auth, rateLimit } = config;
  const verify = auth.enabled ? createTokenVerifier(auth) : undefined;
  const limit = rateLimit.enabled ? [limitRequestRate(rateLimit.perMinute, config.trustProxyHops)] : [];
  const bodyLimit = rejectOversizedBody(config.bodyLimitBytes);
  return (name) => {
    const accessOf = (req: IncomingMessage) => accessTo(req.method, name, routeTemplateOf(req));
    return [...everyRequest, bodyLimit, authenticate(accessOf, verify), ...limit, authorize()];
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
