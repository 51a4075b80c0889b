import { AppError, runWithRequestId, unavailableError } from '@ecom/service-kit';
import type { NewOrder, OrderRepository } from '../data/order.repository';
import type { UnitOfWork } from '../data/unit-of-work';
import { orderPlaced, orderRejected } from '../messaging/order-events';
import type { Order, OrderRequest } from './order';
import {
  compensateSyncReservations,
  completeSyncIntents,
  recordSyncIntents,
  settleFailedSyncReservations,
  type PlacementIntents,
} from './settle-sync-reservations';

/** What placing needs from the product service: reserve (authoritative prices) and release. */
export interface StockReservations {
  reserve(orderId: string, items: OrderRequest['items']): Promise<{ items: NewOrder['items']; total_amount: string }>;
  release(orderId: string): Promise<unknown>;
  /** Whether a failed `reserve` may have committed anyway (a timeout, a broken connection). */
  mayHaveReserved?(error: AppError): boolean;
}

export interface PlacementDependencies {
  readonly unitOfWork: UnitOfWork;
  readonly orders: OrderRepository;
  readonly stock: StockReservations;
  /**
   * Durable intents of sync orders, so a reservation whose process died is released by the
   * sweeper. Set by every process; left out only by in-process measurements (performance-tests).
   */
  readonly intents?: PlacementIntents;
  readonly onCompensationFailed?: (orderId: string, error: unknown) => void;
  /** An intent could not be removed: the sweeper will release (a no-op) and remove it later. */
  readonly onIntentKept?: (orderId: string, error: unknown) => void;
}

/** Per request: the order as stored (placed, rejected or already there), or why it must be retried or refused. */
export type PlacementResult =
  | { readonly kind: 'placed' | 'rejected' | 'existing'; readonly order: Order }
  | { readonly kind: 'refused'; readonly error: AppError } // sync business failure: nothing stored
  | { readonly kind: 'retry'; readonly error: AppError }; // transient: nothing stored, try again later

export type Reserved = { request: OrderRequest; reservation: Awaited<ReturnType<StockReservations['reserve']>> };
export type ReservationOutcome = 'existing' | Reserved | AppError;

/**
 * The one placement use case, for sync requests (one at a time) and the worker (in batches):
 * reserve stock through the product service (authoritative prices), then write every resulting
 * order, its lines and its event in ONE transaction. Idempotent by order id: an order that
 * exists already is returned, not placed again. Business refusals of async orders are stored
 * as `rejected` with the reason; of sync orders, they are answered and nothing is stored.
 * A sync order's stock is never left held for no order (settle-sync-reservations.ts).
 */
export async function placeOrders(
  deps: PlacementDependencies,
  requests: readonly OrderRequest[],
  now = new Date(),
): Promise<PlacementResult[]> {
  // Only a redelivered async request can exist already; a sync order's id was minted just now.
  const redeliverable = requests.filter((request) => request.mode === 'async');
  const existingIds = await deps.orders.findExistingIds(redeliverable.map((request) => request.order_id));
  await recordSyncIntents(deps, requests, now);
  const outcomes = await Promise.all(
    requests.map(async (request) =>
      existingIds.has(request.order_id) ? ('existing' as const) : reserveFor(deps, request),
    ),
  );
  const toStore: NewOrder[] = [];
  outcomes.forEach((outcome, index) => {
    const request = requests[index]!;
    if (outcome === 'existing' || outcome instanceof AppError) {
      if (outcome instanceof AppError && !outcome.retriable && request.mode === 'async')
        toStore.push(rejectedOrder(request, outcome));
      return;
    }
    toStore.push(placedOrder(outcome));
  });
  await settleFailedSyncReservations(deps, requests, outcomes);
  const stored = await storeOrders(deps, toStore, outcomes, now);
  return Promise.all(
    requests.map(async (request, index): Promise<PlacementResult> => {
      const outcome = outcomes[index]!;
      const order = stored.get(request.order_id);
      if (order) return { kind: order.status === 'rejected' ? 'rejected' : 'placed', order };
      if (outcome instanceof AppError) return { kind: outcome.retriable ? 'retry' : 'refused', error: outcome };
      return { kind: 'existing', order: (await deps.orders.findById(request.order_id))! };
    }),
  );
}

async function reserveFor(deps: PlacementDependencies, request: OrderRequest): Promise<Reserved | AppError> {
  try {
    const reserve = () => deps.stock.reserve(request.order_id, request.items);
    const reservation = await (request.request_id ? runWithRequestId(request.request_id, reserve) : reserve());
    return { request, reservation };
  } catch (error) {
    return error instanceof AppError ? error : unavailableError('product-service', error);
  }
}

async function storeOrders(
  deps: PlacementDependencies,
  orders: readonly NewOrder[],
  outcomes: readonly ReservationOutcome[],
  now: Date,
): Promise<Map<string, Order>> {
  const stored = new Map(orders.map((order) => [order.id, toOrder(order, now)]));
  if (orders.length === 0) return stored;
  try {
    await deps.unitOfWork(async ({ orders: repository, intents, addEvents }) => {
      if (deps.intents) await completeSyncIntents(intents, orders);
      await repository.insertMany(orders, now);
      await addEvents(
        [...stored.values()].map((order) => (order.status === 'rejected' ? orderRejected(order) : orderPlaced(order))),
      );
    });
    return stored;
  } catch (error) {
    await compensateSyncReservations(deps, outcomes);
    if ((error as { code?: string }).code === 'ER_DUP_ENTRY') throw concurrentDelivery(error);
    throw error instanceof AppError ? error : unavailableError('database', error);
  }
}

function concurrentDelivery(cause: unknown): AppError {
  return new AppError('concurrent_delivery', 'The order was being placed concurrently', {
    status: 503,
    retriable: true,
    retryAfterSeconds: 1,
    cause,
  });
}

function placedOrder({ request, reservation }: Reserved): NewOrder {
  return {
    id: request.order_id,
    user_id: request.user_id,
    status: 'pending',
    mode: request.mode,
    items: reservation.items.map(({ product_id, quantity, unit_price }) => ({ product_id, quantity, unit_price })),
    total_amount: reservation.total_amount,
    rejection_reason: null,
    accepted_at: request.accepted_at,
  };
}

function rejectedOrder(request: OrderRequest, reason: AppError): NewOrder {
  return {
    id: request.order_id,
    user_id: request.user_id,
    status: 'rejected',
    mode: request.mode,
    items: mergeLines(request.items).map((item) => ({ ...item, unit_price: null })),
    total_amount: null,
    rejection_reason: `${reason.code}: ${reason.message}`.slice(0, 500),
    accepted_at: request.accepted_at,
  };
}

/** One line per product, as the reservation does it. */
function mergeLines(items: OrderRequest['items']): { product_id: number; quantity: number }[] {
  const quantities = new Map<number, number>();
  for (const item of items) quantities.set(item.product_id, (quantities.get(item.product_id) ?? 0) + item.quantity);
  return [...quantities].sort(([a], [b]) => a - b).map(([product_id, quantity]) => ({ product_id, quantity }));
}

function toOrder(order: NewOrder, now: Date): Order {
  const { accepted_at: _acceptedAt, ...rest } = order;
  return { ...rest, created_at: now.toISOString(), updated_at: now.toISOString() };
}
