/**
 * `@ecom/order-service/bench`: what benchmarks may run in-process (performance-tests/): the sync
 * placement on its real repositories, and the worker's consumer lag as its metric reads it.
 */
export { PlacementIntentRepository } from './data/placement-intent.repository';
export { createUnitOfWork } from './data/unit-of-work';
export { placeSyncOrder, type SyncPlacementDependencies } from './domain/place-sync-order.use-case';
export { readConsumerLag } from './messaging/consumer-lag.metrics';
