import { AppError, toAppError } from '@ecom/service-kit/errors';
import type { NewOrder, Order } from './order';
import type { OrderEvent } from './order-events';
import { DuplicateOrderError, type UnitOfWork } from './ports';

export interface StoreOptions {
  /** Sync placements' intents that end with these orders (none for async ones). */
  readonly endingIntents?: readonly string[];
  /** Orders whose stock, if any is held, is owed back (the intent sweeper releases it until confirmed). */
  readonly owingReleases?: readonly string[];
  readonly now: Date;
}

/**
 * The step both placements end with: in ONE transaction, end the placements' intents, insert the
 * orders and their lines, and add an `order.placed` or `order.rejected` event for each. An intent
 * no longer `reserving` was claimed by the sweeper, which is giving its stock back: then nothing
 * commits (503 `placement_abandoned`). Resolves with the orders as stored.
 */
export async function storeOrders(
  unitOfWork: UnitOfWork,
  orders: readonly NewOrder[],
  { endingIntents = [], owingReleases = [], now }: StoreOptions,
): Promise<Order[]> {
  const stored = orders.map((order) => toOrder(order, now));
  if (orders.length === 0) return stored;
  try {
    await unitOfWork(async (transaction) => {
      const events = stored.map(eventOf);
      const ended = await transaction.writePlacement({ endingIntents, orders, owingReleases, events, now });
      if (ended < endingIntents.length) throw placementAbandoned(); // rolls every write back
    });
  } catch (error) {
    if (error instanceof DuplicateOrderError) throw concurrentDelivery(error);
    // A database that cannot serve now: 503, retried; any other failure (a data error): 500, not retried.
    throw toAppError(error);
  }
  return stored;
}

function eventOf(order: Order): OrderEvent {
  return { type: order.status === 'rejected' ? 'order.rejected' : 'order.placed', order };
}

function toOrder({ accepted_at: _acceptedAt, ...order }: NewOrder, now: Date): Order {
  return { ...order, created_at: now.toISOString(), updated_at: now.toISOString() };
}

/** A retriable 503 whose code stays in the logs (not one of the API's public codes). */
function placementAbandoned(): AppError {
  return new AppError('placement_abandoned', 'The order took too long to place and was given up', {
    status: 503,
    retriable: true,
    retryAfterSeconds: 1,
  });
}

/** The same async request redelivered and placed by two consumers at once; the loser retries and finds it placed. */
function concurrentDelivery(cause: unknown): AppError {
  return new AppError('concurrent_delivery', 'The order was being placed concurrently', {
    status: 503,
    retriable: true,
    retryAfterSeconds: 1,
    cause,
  });
}
