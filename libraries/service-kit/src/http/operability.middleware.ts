import type Koa from 'koa';
import type { ServiceMetrics } from '../metrics/metrics';
import { checkReadiness, type DependencyCheck } from '../health/readiness';

export interface OperabilityOptions {
  readonly service: string;
  readonly metrics: ServiceMetrics;
  readonly readiness: Readonly<Record<string, DependencyCheck>>;
}

/**
 * Serves `GET /health` (liveness: the process answers), `GET /ready` (every dependency checked,
 * 503 when one is down) and `GET /metrics` (Prometheus text).
 */
export function operabilityMiddleware({ service, metrics, readiness }: OperabilityOptions): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/health') {
      ctx.body = { status: 'ok', service, uptime_s: Math.round(process.uptime()) };
      return;
    }
    if (ctx.method === 'GET' && ctx.path === '/ready') {
      const report = await checkReadiness(readiness);
      ctx.status = report.status === 'ready' ? 200 : 503;
      if (ctx.status === 503) ctx.set('Retry-After', '5');
      ctx.body = { service, ...report };
      return;
    }
    if (ctx.method === 'GET' && ctx.path === '/metrics') {
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
      return;
    }
    await next();
  };
}

/**
 * Records each request's latency under its route template and final status. Mounted outside the
 * error middleware, so failed requests are counted with the status the client received.
 */
export function httpMetricsMiddleware(metrics: ServiceMetrics): Koa.Middleware {
  return async (ctx, next) => {
    const stopTimer = metrics.httpRequestDuration.startTimer({ method: ctx.method });
    try {
      await next();
    } finally {
      // @koa/router sets _matchedRoute to the template (e.g. /products/:id); unmatched → "unmatched".
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      stopTimer({ route: String(route), status: String(ctx.status) });
    }
  };
}
