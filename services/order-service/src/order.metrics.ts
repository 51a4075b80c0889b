import { Counter, type Registry } from '@ecom/service-kit/metrics';

export type OrderMetrics = ReturnType<typeof createOrderMetrics>;

/** Counters of the order HTTP service (the worker counts what it processes in the consumer). */
export function createOrderMetrics(registry: Registry) {
  return {
    outcomes: new Counter({
      name: 'orders_http_total',
      help: 'Orders by mode and outcome at the HTTP front doors: sync placed/refused, async accepted (202)',
      labelNames: ['mode', 'outcome'] as const,
      registers: [registry],
    }),
    abandonedReleased: new Counter({
      name: 'abandoned_placements_released_total',
      help: 'Sync placements abandoned between reservation and order write, released by the sweeper; held="false": they held no stock',
      labelNames: ['held'] as const,
      registers: [registry],
    }),
  };
}
