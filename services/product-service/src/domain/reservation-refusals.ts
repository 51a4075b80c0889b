import { AppError } from '@ecom/service-kit/errors';
import { MAX_ORDER_TOTAL_CENTS, fromCents } from './money';
import type { RequestedItem } from './reservation';

/**
 * Why an order's stock is not reserved: the answers of `POST /internal/reservations` (and the
 * refusals of the batch endpoint's orders), each naming what the caller would have to change.
 */

/** The order was released (given up) before this reservation arrived: it never holds stock again. */
export function reservationReleased(orderId: string): AppError {
  return new AppError('reservation_released', `The reservation of order ${orderId} was already released`, {
    status: 409,
    details: [{ field: 'order_id', message: 'released orders cannot reserve again' }],
  });
}

/** The order id reserved other items earlier: a retry must send what the first call sent. */
export function reservationMismatch(orderId: string): AppError {
  return new AppError('reservation_mismatch', `Order ${orderId} already reserved different items`, {
    status: 422,
    details: [{ field: 'items', message: 'differ from the reservation already made for this order id' }],
  });
}

export function unknownProducts(lines: readonly RequestedItem[]): AppError {
  return new AppError('unknown_product', 'Some products do not exist', {
    status: 422,
    details: lines.map((line) => ({ field: 'items', product_id: line.product_id, message: 'no such product' })),
  });
}

/** Names every short line, with the units that were available to it. */
export function insufficientStock(lines: readonly (RequestedItem & { readonly available: number })[]): AppError {
  return new AppError('insufficient_stock', 'Not enough stock for some items', {
    status: 409,
    details: lines.map((line) => ({
      field: 'items',
      product_id: line.product_id,
      requested: line.quantity,
      available: line.available,
      message: 'insufficient stock',
    })),
  });
}

/** No order or reservation column could hold the total. */
export function orderTotalTooLarge(total: string): AppError {
  const limit = fromCents(MAX_ORDER_TOTAL_CENTS);
  return new AppError('order_total_too_large', `The order's total ${total} is above ${limit}`, {
    status: 422,
    details: [{ field: 'items', message: `the total at catalogue prices must not exceed ${limit}` }],
  });
}
