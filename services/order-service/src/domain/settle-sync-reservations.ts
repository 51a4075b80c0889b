import { AppError, unavailableError } from '@ecom/service-kit';
import type { NewOrder } from '../data/order.repository';
import type { OrderRepositories } from '../data/unit-of-work';
import type { OrderRequest } from './order';
import type { PlacementDependencies, ReservationOutcome, Reserved } from './place-orders.use-case';

/**
 * What a sync order's stock becomes when its process dies between reserving and writing the order:
 * before reserving, a durable intent is committed; it ends in the order's own transaction, or as
 * soon as the order is known to hold no stock. One left behind is found by the sweeper
 * (release-abandoned-reservations.use-case.ts), which releases the stock. Async orders need none:
 * their request is redelivered, and reserving again with the same order id returns the reservation.
 */
export interface PlacementIntents {
  /** Commits (on its own, before any reservation) that these sync orders may come to hold stock. */
  record(orderIds: readonly string[], now: Date): Promise<void>;
  /** The order holds no stock: its intent goes, whatever its state. */
  forget(orderId: string): Promise<unknown>;
}

/** Records the intents of the sync requests; 503 (nothing reserved yet) when it cannot. */
export async function recordSyncIntents(
  deps: PlacementDependencies,
  requests: readonly OrderRequest[],
  now: Date,
): Promise<void> {
  const syncIds = requests.filter((request) => request.mode === 'sync').map((request) => request.order_id);
  if (!deps.intents || syncIds.length === 0) return;
  try {
    await deps.intents.record(syncIds, now);
  } catch (error) {
    throw unavailableError('database', error);
  }
}

/**
 * Sync reservations that failed. A refusal (409/422), an open circuit or a refused connection
 * reserved nothing: the intent goes at once. A timeout or a broken connection may still have
 * committed at the product service: the client gets 503 and the order id is never used again, so
 * the reservation is released now (the product service records a release even before a late
 * reservation, and refuses that one), then the intent goes. When that release fails too, the intent
 * stays and the sweeper releases it later. (Found by reliability/: a Kafka restart slowed
 * reservations past PRODUCT_SERVICE_TIMEOUT_MS.)
 */
export async function settleFailedSyncReservations(
  deps: PlacementDependencies,
  requests: readonly OrderRequest[],
  outcomes: readonly ReservationOutcome[],
): Promise<void> {
  await Promise.all(
    requests.map(async (request, index) => {
      const outcome = outcomes[index];
      if (request.mode !== 'sync' || !(outcome instanceof AppError)) return;
      const mayHold = deps.stock.mayHaveReserved?.(outcome) === true;
      if (mayHold && !(await releaseOrReport(deps, request.order_id))) return;
      await forgetIntent(deps, request.order_id);
    }),
  );
}

/**
 * A sync order whose write failed after its stock was reserved gives the stock back now (its
 * client gets a 503 and may never retry), then its intent goes; if the release fails, the sweeper
 * does it. Async orders keep their reservation for the redelivery.
 */
export async function compensateSyncReservations(
  deps: PlacementDependencies,
  outcomes: readonly ReservationOutcome[],
): Promise<void> {
  const reservedSync = outcomes.filter(
    (outcome): outcome is Reserved =>
      typeof outcome === 'object' && 'reservation' in outcome && outcome.request.mode === 'sync',
  );
  await Promise.all(
    reservedSync.map(async ({ request }) => {
      if (await releaseOrReport(deps, request.order_id)) await forgetIntent(deps, request.order_id);
    }),
  );
}

/**
 * In the transaction that writes the orders: ends the intents of the sync ones. An intent no
 * longer `reserving` was claimed by the sweeper, which is releasing its stock: the write must not
 * commit (503, the client may retry; the order never exists).
 */
export async function completeSyncIntents(
  intents: OrderRepositories['intents'],
  orders: readonly NewOrder[],
): Promise<void> {
  const syncIds = orders.filter((order) => order.mode === 'sync').map((order) => order.id);
  if (syncIds.length === 0) return;
  if ((await intents.completeReserving(syncIds)) < syncIds.length) throw placementAbandoned();
}

/** Resolves true once released; false (reported) when every attempt failed. */
async function releaseOrReport(deps: PlacementDependencies, orderId: string): Promise<boolean> {
  try {
    await releaseWithRetries(deps, orderId);
    return true;
  } catch (error) {
    deps.onCompensationFailed?.(orderId, error);
    return false;
  }
}

async function releaseWithRetries(deps: PlacementDependencies, orderId: string, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await deps.stock.release(orderId);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** A leftover intent is harmless (the sweeper's release of an order holding nothing is a no-op), so a failure here is not the client's. */
async function forgetIntent(deps: PlacementDependencies, orderId: string): Promise<void> {
  await deps.intents?.forget(orderId).catch((error: unknown) => deps.onIntentKept?.(orderId, error));
}

/** Like `concurrent_delivery`: a retriable 503 whose code stays in the logs (not one of the API's public codes). */
function placementAbandoned(): AppError {
  return new AppError('placement_abandoned', 'The order took too long to place and was given up', {
    status: 503,
    retriable: true,
    retryAfterSeconds: 1,
  });
}
