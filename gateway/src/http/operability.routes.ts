import { Router } from 'express';
import type { ServiceMetrics } from '@ecom/service-kit/metrics';
import { checkReadiness, type DependencyCheck } from '@ecom/service-kit/health';

/**
 * `GET /health`: the gateway is alive (always 200 while it answers) and how each upstream is doing.
 * `GET /ready`: 200 only when every upstream is ready, else 503 with Retry-After.
 * `GET /metrics`: Prometheus text (request latency by route template and status, upstream errors).
 */
export function operabilityRoutes(
  checks: Readonly<Record<string, DependencyCheck>>,
  timeoutMs: number,
  metrics: ServiceMetrics,
): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const report = await checkReadiness(checks, timeoutMs);
    res.json({ status: 'ok', service: 'gateway', dependencies: report.dependencies });
  });
  router.get('/ready', async (_req, res) => {
    const report = await checkReadiness(checks, timeoutMs);
    if (report.status !== 'ready') res.status(503).set('Retry-After', '5');
    res.json({ service: 'gateway', ...report });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
