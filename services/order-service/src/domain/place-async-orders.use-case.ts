import { AppError, unavailableError } from '@ecom/service-kit/errors';
import { asyncHeader, placedOrder, rejectedOrder, uniqueByOrderId } from './new-order';
import type { OrderRequest } from './order';
import type {
  BatchStockReservations,
  OrderReader,
  Reservation,
  ReservationAttempt,
  StockReservations,
  UnitOfWork,
} from './ports';
import { storeOrders } from './store-orders.step';

export interface AsyncPlacementDependencies {
  readonly unitOfWork: UnitOfWork;
  readonly orders: Pick<OrderReader, 'findExistingIds'>;
  readonly stock: BatchStockReservations;
}

/** What became of one accepted request: settled for good, or to be tried again later. */
export type AsyncPlacement =
  | { readonly request: OrderRequest; readonly outcome: 'placed' | 'rejected' | 'existing' }
  | { readonly request: OrderRequest; readonly outcome: 'retry'; readonly error: AppError };

/**
 * The worker's placement of a chunk of accepted async orders, one result per order id (a request
 * that appears twice is placed once). Skips those stored already (a redelivery, or an order the
 * order service withdrew: its stock, if this worker reserved any in the race, is owed back and
 * released by the intent sweeper), reserves the others' stock at the product service in batch
 * calls (one transaction per call; idempotent per order id, so a redelivered request gets its
 * first reservation back), then stores every order that has an outcome, placed or rejected with
 * its reason, in one transaction. A refusal rejects its order alone; a transient failure (of the
 * batch call: then of each order in it) leaves the request to be retried, its reservation, if the
 * call committed after all, kept for the retry. Rejects when the chunk cannot be stored: then
 * every request in it is retried.
 */
export async function placeAsyncOrders(
  deps: AsyncPlacementDependencies,
  requests: readonly OrderRequest[],
  now = new Date(),
): Promise<AsyncPlacement[]> {
  const unique = uniqueByOrderId(requests);
  const stored = await deps.orders.findExistingIds(unique.map((request) => request.order_id));
  const fresh = unique.filter((request) => !stored.has(request.order_id));
  const attempts = await Promise.all(
    (await reserveAll(deps.stock, fresh)).map((attempt) => releaseIfRefusedAfterReserving(deps.stock, attempt)),
  );
  const toStore = attempts.flatMap(({ request, reservation, error }) => {
    if (reservation) return [placedOrder(asyncHeader(request), reservation)];
    return error.retriable ? [] : [rejectedOrder(request, error)];
  });
  await storeOrders(deps.unitOfWork, toStore, { now });
  return [
    ...unique.filter((request) => stored.has(request.order_id)).map((request) => settled(request, 'existing')),
    ...attempts.map(({ request, reservation, error }): AsyncPlacement => {
      if (reservation) return settled(request, 'placed');
      return error.retriable ? { request, outcome: 'retry', error } : settled(request, 'rejected');
    }),
  ];
}

/**
 * Gives up on requests for good (the worker's retries ran out, or they fail alone for a reason
 * retrying will not mend): each one not stored yet is stored as `rejected` with `reason`, and the
 * stock an earlier attempt may have reserved is owed back in the same transaction (the intent
 * sweeper releases it until the product service confirms).
 */
export async function rejectAsyncOrders(
  deps: AsyncPlacementDependencies,
  requests: readonly OrderRequest[],
  reason: AppError,
  now = new Date(),
): Promise<void> {
  const unique = uniqueByOrderId(requests);
  const stored = await deps.orders.findExistingIds(unique.map((request) => request.order_id));
  const fresh = unique.filter((request) => !stored.has(request.order_id));
  await storeOrders(
    deps.unitOfWork,
    fresh.map((request) => rejectedOrder(request, reason)),
    { owingReleases: fresh.map((request) => request.order_id), now },
  );
}

/**
 * A refusal that may still have reserved (a 5xx answer) is rejected, so its stock must not stay
 * held: released first. When the release fails, the request is retried instead.
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

/** Each request's reservation or failure, from batch calls (`reserveMany` answers one per order, in order). */
async function reserveAll(stock: BatchStockReservations, requests: readonly OrderRequest[]): Promise<Attempt[]> {
  if (requests.length === 0) return [];
  const answers: readonly ReservationAttempt[] = await stock
    .reserveMany(requests.map(({ order_id, items, request_id }) => ({ order_id, items, request_id })))
    .catch((error: unknown) => requests.map(({ order_id }) => ({ order_id, error: asAppError(error) })));
  return requests.map((request, index): Attempt => {
    const answer = answers[index];
    if (answer?.reservation) return { request, reservation: answer.reservation };
    return { request, error: answer?.error ?? unavailableError('product-service') };
  });
}

function asAppError(error: unknown): AppError {
  return error instanceof AppError ? error : unavailableError('product-service', error);
}

function settled(request: OrderRequest, outcome: 'placed' | 'rejected' | 'existing'): AsyncPlacement {
  return { request, outcome };
}
