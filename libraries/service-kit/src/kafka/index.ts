/** `@ecom/service-kit/kafka`: kafkajs clients, topics, security and request-id headers. */
export * from './kafka.factory';
export * from './batching-sender';
export * from './kafka-security';
export * from './topics';
export * from './message-headers';
