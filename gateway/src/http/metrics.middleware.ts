import { createCounter, createMetrics, type ServiceMetrics } from '@ecom/service-kit/metrics';
import type { Middleware } from './middleware-chain';
import { routeTemplateOf } from './route-template';

export interface GatewayMetrics extends ServiceMetrics {
  readonly upstreamErrors: ReturnType<typeof createCounter<'upstream' | 'kind'>>;
}

/** The gateway's registry: Node defaults, the request histogram, and upstream failures by kind. */
export function createGatewayMetrics(): GatewayMetrics {
  const metrics = createMetrics('gateway');
  const upstreamErrors = createCounter(
    metrics.registry,
    'gateway_upstream_errors_total',
    'Upstream calls that failed, by upstream service and kind of failure',
    ['upstream', 'kind'] as const,
  );
  return { ...metrics, upstreamErrors };
}

/** 499 (as nginx logs it) when the client went away before the response was complete. */
const CLIENT_CLOSED = '499';

/**
 * Times every request into `http_request_duration_seconds{method,route,status}`, with the route
 * template the request matched (see route-template.ts). Label children are cached, so the hot
 * path is a clock read, one listener, one Map lookup and one `observe`.
 */
export function recordRequestMetrics(metrics: GatewayMetrics): Middleware {
  const children = new Map<string, { observe(seconds: number): void }>();
  const childFor = (method: string, route: string, status: string) => {
    const key = `${method} ${route} ${status}`;
    let child = children.get(key);
    if (child === undefined) {
      child = metrics.httpRequestDuration.labels(method, route, status);
      children.set(key, child);
    }
    return child;
  };
  return (req, res, next) => {
    const startedAt = performance.now();
    res.on('close', () => {
      const status = res.writableFinished ? String(res.statusCode) : CLIENT_CLOSED;
      childFor(req.method ?? '', routeTemplateOf(req), status).observe((performance.now() - startedAt) / 1_000);
    });
    next();
  };
}
