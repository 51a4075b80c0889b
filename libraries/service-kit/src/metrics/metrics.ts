import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
}

/**
 * A Prometheus registry per service with Node's default metrics (event loop lag, heap, GC) and
 * an HTTP latency histogram labelled by route template (never the raw path, to bound cardinality).
 */
export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}

/** A counter registered on `registry`; a thin helper so services declare metrics in one line. */
export function createCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
) {
  return new Counter<L>({ name, help, labelNames, registers: [registry] });
}

/** Gauges of a knex connection pool (used, free, waiting), read at scrape time. */
export function registerPoolMetrics(
  registry: Registry,
  pool: { numUsed(): number; numFree(): number; numPendingAcquires(): number },
) {
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending_acquire' }, pool.numPendingAcquires());
    },
  });
}
export { Counter, Gauge, Histogram, Registry } from 'prom-client';
