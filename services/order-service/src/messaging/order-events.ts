import { TOPICS } from '@ecom/service-kit/kafka';
import { createEvent, type OutgoingEvent } from '@ecom/service-kit/outbox';
import type { OrderEvent } from '../domain/order-events';

/** The order service's events as published: all on `order-events`, keyed by order id. */
export function toOutgoingEvent(event: OrderEvent): OutgoingEvent {
  const topic = TOPICS.orderEvents.name;
  switch (event.type) {
    case 'order.placed':
    case 'order.rejected':
      return createEvent(topic, event.type, event.order.id, { order: event.order });
    case 'order.status_changed':
      return createEvent(topic, event.type, event.order.id, {
        order_id: event.order.id,
        from: event.from,
        to: event.order.status,
      });
  }
}
