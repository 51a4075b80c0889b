import type Koa from 'koa';
import type { ServiceMetrics } from '../metrics/metrics';
import { checkReadiness, type DependencyCheck } from '../health/readiness';

export interface OperabilityOptions {
  readonly service: string;
  readonly metrics: ServiceMetrics;
  readonly readiness: Readonly<Record<string, DependencyCheck>>;
  /**
   * What must hold for the process to be worth keeping (a worker's consumer still consuming):
   * when one fails, `/health` answers 503 and the orchestrator replaces the process. Leave it out
   * for a process that is alive while it answers; a dependency that is down belongs in `readiness`.
   */
  readonly liveness?: Readonly<Record<string, DependencyCheck>>;
}

/**
 * Serves `GET /health` (liveness: the process answers, and its `liveness` checks hold; 503
 * otherwise), `GET /ready` (every dependency checked, 503 when one is down) and `GET /metrics`
 * (Prometheus text).
 */
export function operabilityMiddleware({ service, metrics, readiness, liveness }: OperabilityOptions): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/health') {
      await answerHealth(ctx, service, liveness);
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

async function answerHealth(
  ctx: Koa.Context,
  service: string,
  liveness: OperabilityOptions['liveness'],
): Promise<void> {
  const uptime_s = Math.round(process.uptime());
  if (!liveness) {
    ctx.body = { status: 'ok', service, uptime_s };
    return;
  }
  const { status, dependencies: checks } = await checkReadiness(liveness);
  ctx.status = status === 'ready' ? 200 : 503;
  ctx.body = { status: status === 'ready' ? 'ok' : 'unhealthy', service, uptime_s, checks };
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
