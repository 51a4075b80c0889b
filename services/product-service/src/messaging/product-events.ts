import { TOPICS } from '@ecom/service-kit/kafka';
import { createEvent, type OutgoingEvent } from '@ecom/service-kit/outbox';
import type { CatalogueEvent } from '../domain/catalogue-events';

/** The product service's events as published: all on `product-events`, keyed by product id. */
export function toOutgoingEvent(event: CatalogueEvent): OutgoingEvent {
  const topic = TOPICS.productEvents.name;
  if ('product' in event)
    return createEvent(topic, event.type, event.product.id, { product: event.product }, event.product.version);
  const { orderId, line, requestId } = event;
  const outgoing = createEvent(topic, event.type, line.product_id, {
    order_id: orderId,
    product_id: line.product_id,
    quantity: line.quantity,
  });
  return requestId === undefined ? outgoing : { ...outgoing, requestId };
}
