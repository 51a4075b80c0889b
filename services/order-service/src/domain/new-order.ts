import type { AppError } from '@ecom/service-kit/errors';
import type { NewOrder, OrderMode, OrderRequest, RequestedItem } from './order';
import type { Reservation } from './ports';

/** Who an order is for, whatever became of it. */
interface OrderHeader {
  readonly id: string;
  readonly user_id: number;
  readonly mode: OrderMode;
  readonly accepted_at: Date;
}

/** A placed order: its lines at the prices the reservation returned. */
export function placedOrder(header: OrderHeader, reservation: Reservation): NewOrder {
  return {
    ...header,
    status: 'pending',
    items: reservation.items.map(({ product_id, quantity, unit_price }) => ({ product_id, quantity, unit_price })),
    total_amount: reservation.total_amount,
    rejection_reason: null,
  };
}

/** An async order kept as `rejected` with its reason, so the client's poll ends with an answer. */
export function rejectedOrder(request: OrderRequest, reason: AppError | string): NewOrder {
  return {
    ...asyncHeader(request),
    status: 'rejected',
    items: mergeLines(request.items).map((item) => ({ ...item, unit_price: null })),
    total_amount: null,
    rejection_reason: (typeof reason === 'string' ? reason : `${reason.code}: ${reason.message}`).slice(0, 500),
  };
}

export function asyncHeader(request: OrderRequest): OrderHeader {
  return { id: request.order_id, user_id: request.user_id, mode: 'async', accepted_at: request.accepted_at };
}

/** One request per order id, the first of each (the same message delivered twice is one order). */
export function uniqueByOrderId(requests: readonly OrderRequest[]): OrderRequest[] {
  return [...new Map(requests.map((request) => [request.order_id, request])).values()];
}

/** One line per product, as the reservation does it. */
function mergeLines(items: readonly RequestedItem[]): RequestedItem[] {
  const quantities = new Map<number, number>();
  for (const item of items) quantities.set(item.product_id, (quantities.get(item.product_id) ?? 0) + item.quantity);
  return [...quantities].sort(([a], [b]) => a - b).map(([product_id, quantity]) => ({ product_id, quantity }));
}
