/** `@ecom/service-kit/metrics`: a Prometheus registry per service and its standard metrics. */
export * from './metrics';
