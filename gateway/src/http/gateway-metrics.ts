import { createCounter, createMetrics, type ServiceMetrics } from '@ecom/service-kit/metrics';

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

/** Records one finished request into `http_request_duration_seconds{method,route,status}`. */
export type DurationRecorder = (method: string, route: string, status: number, seconds: number) => void;

interface Observer {
  observe(seconds: number): void;
}

/**
 * Records request durations with the route template the request matched (see route-template.ts),
 * never the raw path. Each label set is bound once, on its first request, and kept: later requests
 * find it by three Map lookups on values they already hold (route, method, numeric status),
 * without building a key string or a labels object.
 */
export function durationRecorder(metrics: GatewayMetrics): DurationRecorder {
  const byRoute = new Map<string, Map<string, Map<number, Observer>>>();
  const bind = (method: string, route: string, status: number) => {
    let byMethod = byRoute.get(route);
    if (byMethod === undefined) byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    const observer = metrics.httpRequestDuration.labels(method, route, String(status));
    byStatus.set(status, observer);
    return observer;
  };
  return (method, route, status, seconds) => {
    const observer = byRoute.get(route)?.get(method)?.get(status) ?? bind(method, route, status);
    observer.observe(seconds);
  };
}
