import { Counter, type Registry } from '@ecom/service-kit';

/** Counters of the order HTTP service (the worker has its own, in the consumer). */
export function createOrderMetrics(registry: Registry) {
  return {
    placed: new Counter({
      name: 'orders_placed_total',
      help: 'Orders placed, by mode',
      labelNames: ['mode'] as const,
      registers: [registry],
    }),
    accepted: new Counter({
      name: 'orders_accepted_async_total',
      help: 'Async orders acknowledged by Kafka (202)',
      registers: [registry],
    }),
  };
}
