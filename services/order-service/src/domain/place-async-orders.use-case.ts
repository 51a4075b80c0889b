import { AppError, unavailableError } from '@ecom/service-kit/errors';
import { runWithRequestId } from '@ecom/service-kit/logging';
import type { NewOrder, OrderRequest, OrderStatus, RequestedItem } from './order';
import type { OrderReader, Reservation, StockReservations, UnitOfWork } from './ports';
import { storeOrders } from './store-orders.step';

export interface AsyncPlacementDependencies {
  readonly unitOfWork: UnitOfWork;
  readonly orders: Pick<OrderReader, 'findStatuses'>;
  readonly stock: StockReservations;
}

/** What became of one accepted request: settled for good, or to be tried again later. */
export type AsyncPlacement =
  | { readonly request: OrderRequest; readonly outcome: 'placed' | 'rejected' | 'existing' }
  | { readonly request: OrderRequest; readonly outcome: 'retry'; readonly error: AppError };

/**
 * The worker's placement of a chunk of accepted async orders, one result per order id (a request
 * that appears twice is placed once). Skips those stored already (a redelivery), reserves the
 * others' stock at the product service concurrently (idempotent per order id, so a redelivered
 * request gets its first reservation back), then stores every order that has an outcome, placed
 * or rejected with its reason, in one transaction. A transient failure leaves its request to be
 * retried (its reservation, if any, is kept for the retry). Rejects when the chunk cannot be
 * stored: then every request in it is retried.
 */
export async function placeAsyncOrders(
  deps: AsyncPlacementDependencies,
  requests: readonly OrderRequest[],
  now = new Date(),
): Promise<AsyncPlacement[]> {
  const unique = [...new Map(requests.map((request) => [request.order_id, request])).values()];
  const stored = await deps.orders.findStatuses(unique.map((request) => request.order_id));
  const fresh = unique.filter((request) => !stored.has(request.order_id));
  const attempts = await Promise.all(
    fresh.map(async (request) => releaseIfRefusedAfterReserving(deps.stock, await reserveFor(deps.stock, request))),
  );
  const toStore = attempts.flatMap(({ request, reservation, error }) => {
    if (reservation) return [placedOrder(request, reservation)];
    return error.retriable ? [] : [rejectedOrder(request, error)];
  });
  await storeOrders(deps.unitOfWork, toStore, { now });
  const existing = unique.filter((request) => stored.has(request.order_id));
  return [
    ...(await Promise.all(
      existing.map((request) => settleExisting(deps.stock, request, stored.get(request.order_id))),
    )),
    ...attempts.map(({ request, reservation, error }): AsyncPlacement => {
      if (reservation) return settled(request, 'placed');
      return error.retriable ? { request, outcome: 'retry', error } : settled(request, 'rejected');
    }),
  ];
}

/**
 * Gives up on requests for good (the worker's retries ran out): each one not stored yet is
 * stored as `rejected` with `reason`, after its stock is released (an earlier attempt may have
 * reserved it; releasing is idempotent). Rejects, and stores nothing, when a release fails.
 */
export async function rejectAsyncOrders(
  deps: AsyncPlacementDependencies,
  requests: readonly OrderRequest[],
  reason: AppError,
  now = new Date(),
): Promise<void> {
  const stored = await deps.orders.findStatuses(requests.map((request) => request.order_id));
  const fresh = [...new Map(requests.map((request) => [request.order_id, request])).values()].filter(
    (request) => !stored.has(request.order_id),
  );
  await Promise.all(fresh.map((request) => deps.stock.release(request.order_id)));
  await storeOrders(
    deps.unitOfWork,
    fresh.map((request) => rejectedOrder(request, reason)),
    { now },
  );
}

/**
 * A request whose order is stored already. A rejected one may have been withdrawn by the order
 * service (its client got a 503, see acceptAsyncOrder) while an earlier attempt here reserved its
 * stock: that stock is released (idempotent; a no-op when nothing was reserved).
 */
async function settleExisting(
  stock: StockReservations,
  request: OrderRequest,
  status: OrderStatus | undefined,
): Promise<AsyncPlacement> {
  if (status !== 'rejected') return settled(request, 'existing');
  try {
    await stock.release(request.order_id);
    return settled(request, 'existing');
  } catch (error) {
    return {
      request,
      outcome: 'retry',
      error: error instanceof AppError ? error : unavailableError('product-service', error),
    };
  }
}

/**
 * A refusal that may still have reserved (a 5xx answer: the product service failed in a way that
 * retrying will not mend) is rejected, so its stock must not stay held: released first. When the
 * release fails, the request is retried instead.
 */
async function releaseIfRefusedAfterReserving(stock: StockReservations, attempt: Attempt): Promise<Attempt> {
  const { request, error } = attempt;
  if (!error || error.retriable || !stock.mayHaveReserved(error)) return attempt;
  try {
    await stock.release(request.order_id);
    return attempt;
  } catch (releaseError) {
    return { request, error: unavailableError('product-service', releaseError) }; // retried, never rejected holding stock
  }
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
export function rejectedOrder(request: OrderRequest, reason: AppError | string): NewOrder {
  return asyncOrder(request, {
    status: 'rejected',
    items: mergeLines(request.items).map((item) => ({ ...item, unit_price: null })),
    total_amount: null,
    rejection_reason: (typeof reason === 'string' ? reason : `${reason.code}: ${reason.message}`).slice(0, 500),
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
