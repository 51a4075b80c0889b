import { TOPICS, createEvent, type OutgoingEvent } from '@ecom/service-kit';
import type { Product } from '../domain/product';
import type { ReservationLine } from '../domain/reservation';

/** Events of the product service, all on `product-events`, keyed by product id. */

export function productChanged(
  type: 'product.created' | 'product.updated' | 'product.deleted',
  product: Product,
): OutgoingEvent {
  return createEvent(TOPICS.productEvents.name, type, product.id, { product }, product.version);
}

export function stockMoved(
  type: 'stock.reserved' | 'stock.released',
  orderId: string,
  line: Pick<ReservationLine, 'product_id' | 'quantity'>,
): OutgoingEvent {
  return createEvent(TOPICS.productEvents.name, type, line.product_id, {
    order_id: orderId,
    product_id: line.product_id,
    quantity: line.quantity,
  });
}
