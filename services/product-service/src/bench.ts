/**
 * `@ecom/product-service/bench`: what benchmarks may run in-process (performance-tests/): the
 * reservation use case on its real repositories, the schema, and the stock conservation check.
 */
export { migrations } from './data/migrations';
export { findStockImbalances } from './data/stock-conservation.query';
export { createUnitOfWork } from './data/unit-of-work';
export { reserveStock } from './domain/reserve-stock.use-case';
