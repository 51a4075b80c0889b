/**
 * Every Kafka topic of the system, declared once. `npm start`, the tests' set-up, docker-compose
 * and the AWS topic task all create topics from this list, so names and partition counts never drift.
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly description: string;
}

export const TOPICS = {
  productEvents: {
    name: 'product-events',
    partitions: 3,
    description: 'product.* and stock.* events from the product service outbox (key: product id)',
  },
  orderEvents: {
    name: 'order-events',
    partitions: 3,
    description: 'order.* events from the order service outbox (key: order id)',
  },
  orderRequests: {
    name: 'order-requests',
    partitions: 6,
    description: 'accepted async order requests, consumed by the order worker (key: order id)',
  },
  orderRequestsDeadLetter: {
    name: 'order-requests.dlq',
    partitions: 1,
    description: 'order requests the worker could not process, with the error in headers',
  },
} as const satisfies Record<string, TopicSpec>;

export const ALL_TOPICS: readonly TopicSpec[] = Object.values(TOPICS);
