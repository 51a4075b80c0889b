/** `@ecom/service-kit/resources`: what a service process opens once (database, Kafka, metrics) and its migrate entry. */
export * from './service-resources';
