/** `@ecom/service-kit/outbox`: events written in the business transaction, relayed to Kafka after. */
export * from './event-envelope';
export * from './outbox.repository';
export * from './outbox-relay';
