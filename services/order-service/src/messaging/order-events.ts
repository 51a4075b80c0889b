import { TOPICS, createEvent, type OutgoingEvent } from '@ecom/service-kit';
import type { Order, OrderStatus } from '../domain/order';

/** Events of the order service, all on `order-events`, keyed by order id. */

export function orderPlaced(order: Order): OutgoingEvent {
  return createEvent(TOPICS.orderEvents.name, 'order.placed', order.id, { order });
}

export function orderRejected(order: Order): OutgoingEvent {
  return createEvent(TOPICS.orderEvents.name, 'order.rejected', order.id, { order });
}

export function orderStatusChanged(order: Order, from: OrderStatus): OutgoingEvent {
  return createEvent(TOPICS.orderEvents.name, 'order.status_changed', order.id, {
    order_id: order.id,
    from,
    to: order.status,
  });
}
