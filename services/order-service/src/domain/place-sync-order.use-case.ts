import { AppError, toAppError, unavailableError } from '@ecom/service-kit/errors';
import type { Order, OrderBody } from './order';
import { newOrderId } from './order-id';
import type { PlacementIntents, StockReservations, UnitOfWork } from './ports';
import { placedOrder } from './new-order';
import { storeOrders } from './store-orders.step';

export interface SyncPlacementDependencies {
  readonly unitOfWork: UnitOfWork;
  readonly stock: StockReservations;
  readonly intents: PlacementIntents;
  /** The stock of a failed order could not be given back now; the intent sweeper will. */
  readonly onCompensationFailed?: (orderId: string, error: unknown) => void;
  /** An intent could not be removed: the sweeper will release (a no-op) and remove it later. */
  readonly onIntentKept?: (orderId: string, error: unknown) => void;
}

/**
 * `POST /orders`: places one order now, under `orderId` (never used before), and resolves with
 * it, committed. First a durable intent
 * (so that stock held by a process that dies is released by the sweeper), then the reservation
 * at the product service (authoritative prices), then the order, its lines and its event in one
 * transaction that also ends the intent. A refusal (409 short stock, 422 unknown product) stores
 * nothing and is thrown as it is; any other failure is a 503, and the stock is never left held
 * for an order that does not exist.
 */
export async function placeSyncOrder(
  deps: SyncPlacementDependencies,
  body: OrderBody,
  orderId = newOrderId(),
  now = new Date(),
): Promise<Order> {
  await recordIntent(deps.intents, orderId, now);
  const reservation = await reserveOrSettle(deps, orderId, body);
  try {
    const [order] = await storeOrders(
      deps.unitOfWork,
      [placedOrder({ id: orderId, user_id: body.user_id, mode: 'sync', accepted_at: now }, reservation)],
      {
        endingIntents: [orderId],
        now,
      },
    );
    return order!;
  } catch (error) {
    await giveBackStock(deps, orderId); // the client gets a 503 and may never retry
    throw error;
  }
}

/** 503 (nothing reserved yet) when the database cannot take the intent now; 500 for any other failure. */
async function recordIntent(intents: PlacementIntents, orderId: string, now: Date): Promise<void> {
  try {
    await intents.record([orderId], now);
  } catch (error) {
    throw toAppError(error);
  }
}

/**
 * Reserves, or settles the failure and throws it. A refusal, an open circuit or a refused
 * connection reserved nothing: the intent goes at once. A timeout or a broken connection may
 * still have committed at the product service, and this order id is never used again, so its
 * stock is given back now (the product service records a release even before a late reservation,
 * and refuses that one).
 */
async function reserveOrSettle(deps: SyncPlacementDependencies, orderId: string, body: OrderBody) {
  try {
    return await deps.stock.reserve(orderId, body.items);
  } catch (caught) {
    const error = caught instanceof AppError ? caught : unavailableError('product-service', caught);
    if (deps.stock.mayHaveReserved(error)) await giveBackStock(deps, orderId);
    else await forgetIntent(deps, orderId);
    throw error;
  }
}

/** Releases the order's stock, then forgets its intent; when the release fails, the intent stays for the sweeper. */
async function giveBackStock(deps: SyncPlacementDependencies, orderId: string): Promise<void> {
  try {
    await releaseWithRetries(deps.stock, orderId);
  } catch (error) {
    deps.onCompensationFailed?.(orderId, error);
    return;
  }
  await forgetIntent(deps, orderId);
}

async function releaseWithRetries(stock: StockReservations, orderId: string, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await stock.release(orderId);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** A leftover intent is harmless (the sweeper's release of an order holding nothing is a no-op), so a failure here is not the client's. */
async function forgetIntent(deps: SyncPlacementDependencies, orderId: string): Promise<void> {
  await deps.intents.forget(orderId).catch((error: unknown) => deps.onIntentKept?.(orderId, error));
}
