/**
 * `@ecom/product-service/testing`: the real product service in-process for other packages' tests
 * (the order service's, the reliability suite's), and the stock conservation check.
 */
export * from './product-service.harness';
export { findStockImbalances } from '../../src/data/stock-conservation.query';
