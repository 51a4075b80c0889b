import { AppError, unavailableError } from '@ecom/service-kit/errors';
import { runWithRequestId } from '@ecom/service-kit/logging';
import type { NewOrder, OrderRequest, RequestedItem } from './order';
import type { OrderReader, Reservation, StockReservations, UnitOfWork } from './ports';
import { storeOrders } from './store-orders.step';

export interface AsyncPlacementDependencies {
  readonly unitOfWork: UnitOfWork;
  readonly orders: Pick<OrderReader, 'findExistingIds'>;
  readonly stock: StockReservations;
}

/** What became of one accepted request: settled for good, or to be tried again later. */
export type AsyncPlacement =
  | { readonly request: OrderRequest; readonly outcome: 'placed' | 'rejected' | 'existing' }
  | { readonly request: OrderRequest; readonly outcome: 'retry'; readonly error: AppError };

/**
 * The worker's placement of a chunk of accepted async orders: skips those placed already (a
 * redelivery), reserves the others' stock at the product service concurrently (idempotent per
 * order id, so a redelivered request gets its first reservation back), then stores every order
 * that has an outcome, placed or rejected with its reason, in one transaction. A transient
 * failure leaves its request to be retried (its reservation, if any, is kept for the retry).
 * Rejects when the chunk cannot be stored: then every request in it is retried.
 */
export async function placeAsyncOrders(
  deps: AsyncPlacementDependencies,
  requests: readonly OrderRequest[],
  now = new Date(),
): Promise<AsyncPlacement[]> {
  const existing = await deps.orders.findExistingIds(requests.map((request) => request.order_id));
  const fresh = requests.filter((request) => !existing.has(request.order_id));
  const attempts = await Promise.all(fresh.map((request) => reserveFor(deps.stock, request)));
  const toStore = attempts.flatMap(({ request, reservation, error }) => {
    if (reservation) return [placedOrder(request, reservation)];
    return error.retriable ? [] : [rejectedOrder(request, error)];
  });
  await storeOrders(deps.unitOfWork, toStore, { now });
  return [
    ...requests.filter((request) => existing.has(request.order_id)).map((request) => settled(request, 'existing')),
    ...attempts.map(({ request, reservation, error }): AsyncPlacement => {
      if (reservation) return settled(request, 'placed');
      return error.retriable ? { request, outcome: 'retry', error } : settled(request, 'rejected');
    }),
  ];
}

type Attempt =
  | { readonly request: OrderRequest; readonly reservation: Reservation; readonly error?: undefined }
  | { readonly request: OrderRequest; readonly reservation?: undefined; readonly error: AppError };

/** Reserves under the accepting request's id, so the product service's logs carry it too. */
async function reserveFor(stock: StockReservations, request: OrderRequest): Promise<Attempt> {
  try {
    const reserve = () => stock.reserve(request.order_id, request.items);
    const reservation = await (request.request_id ? runWithRequestId(request.request_id, reserve) : reserve());
    return { request, reservation };
  } catch (error) {
    return { request, error: error instanceof AppError ? error : unavailableError('product-service', error) };
  }
}

function settled(request: OrderRequest, outcome: 'placed' | 'rejected' | 'existing'): AsyncPlacement {
  return { request, outcome };
}

function placedOrder(request: OrderRequest, reservation: Reservation): NewOrder {
  return asyncOrder(request, {
    status: 'pending',
    items: reservation.items.map(({ product_id, quantity, unit_price }) => ({ product_id, quantity, unit_price })),
    total_amount: reservation.total_amount,
    rejection_reason: null,
  });
}

/** Kept with the reason, so the client's poll ends with an answer. */
function rejectedOrder(request: OrderRequest, reason: AppError): NewOrder {
  return asyncOrder(request, {
    status: 'rejected',
    items: mergeLines(request.items).map((item) => ({ ...item, unit_price: null })),
    total_amount: null,
    rejection_reason: `${reason.code}: ${reason.message}`.slice(0, 500),
  });
}

function asyncOrder(
  request: OrderRequest,
  outcome: Pick<NewOrder, 'status' | 'items' | 'total_amount' | 'rejection_reason'>,
): NewOrder {
  return {
    id: request.order_id,
    user_id: request.user_id,
    mode: 'async',
    accepted_at: request.accepted_at,
    ...outcome,
  };
}

/** One line per product, as the reservation does it. */
function mergeLines(items: readonly RequestedItem[]): RequestedItem[] {
  const quantities = new Map<number, number>();
  for (const item of items) quantities.set(item.product_id, (quantities.get(item.product_id) ?? 0) + item.quantity);
  return [...quantities].sort(([a], [b]) => a - b).map(([product_id, quantity]) => ({ product_id, quantity }));
}
