/** `@ecom/order-service/testing`: the real order service, worker and product service in-process, for benchmarks. */
export * from './order-system.harness';
