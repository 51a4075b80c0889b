import { AppError, isAppError } from '@ecom/service-kit/errors';
import type { OrderBody, OrderRequest } from './order';
import { rejectedOrder } from './new-order';
import type { OrderRequestQueue, UnitOfWork } from './ports';
import { storeOrders } from './store-orders.step';

export interface AsyncAcceptanceDependencies {
  readonly queue: OrderRequestQueue;
  readonly unitOfWork: UnitOfWork;
}

/** The reason of a withdrawn order starts with this. */
export const NOT_ACCEPTED_CODE = 'not_accepted';
/** Why a withdrawn order is rejected, as its poll shows it. */
export const NOT_ACCEPTED = `${NOT_ACCEPTED_CODE}: the broker did not acknowledge the request in time; it was answered 503`;

/**
 * `POST /orders/async`: hands the order, under `orderId`, to the queue and resolves with the id
 * once the queue has it durably; the worker places it later (place-async-orders.use-case.ts).
 *
 * When the queue does not confirm in time (a frozen broker, say), the request may still reach
 * the queue later, and the client is about to hear 503. So the order is withdrawn first: stored
 * as `rejected` (not accepted), which the worker then skips. Both write the same primary key, so
 * exactly one wins: if the worker stored the order first, it was accepted after all and this
 * resolves with its id. A 503 is thus never placed. When the database cannot take the withdrawal
 * either, the answer is a 503 `acceptance_unknown`: the order may still be placed, and a retry
 * with the same Idempotency-Key is that order (docs/reliability.md, known limits).
 */
export async function acceptAsyncOrder(
  deps: AsyncAcceptanceDependencies,
  body: OrderBody,
  orderId: string,
  now = new Date(),
): Promise<{ readonly id: string }> {
  const request: OrderRequest = { order_id: orderId, user_id: body.user_id, items: body.items, accepted_at: now };
  try {
    await deps.queue.enqueue(request);
  } catch (error) {
    if (!isAppError(error) || !error.retriable) throw error;
    let withdrawn: boolean;
    try {
      withdrawn = await withdraw(deps.unitOfWork, request, now);
    } catch (withdrawalError) {
      throw acceptanceUnknown(error, withdrawalError);
    }
    if (!withdrawn) return { id: orderId };
    throw error;
  }
  return { id: orderId };
}

/**
 * Neither acknowledged nor withdrawn: the request may still be placed. A 503 that says so; an
 * Idempotency-Key stays bound to this order id (http/idempotent-request.ts keeps it in flight), so
 * a retry with it is recognised as the same order.
 */
function acceptanceUnknown(ackError: AppError, withdrawalError: unknown): AppError {
  return new AppError(
    'acceptance_unknown',
    'The order may or may not have been accepted; retry with the same Idempotency-Key',
    {
      status: 503,
      expose: true,
      retriable: true,
      retryAfterSeconds: 2,
      cause: new AggregateError([ackError, withdrawalError]),
    },
  );
}

/** True when withdrawn; false when the worker had stored the order already; rejects when the database cannot say. */
async function withdraw(unitOfWork: UnitOfWork, request: OrderRequest, now: Date): Promise<boolean> {
  try {
    // Owed back too: the worker may have reserved its stock in the race (the intent sweeper releases it).
    await storeOrders(unitOfWork, [rejectedOrder(request, NOT_ACCEPTED)], { owingReleases: [request.order_id], now });
    return true;
  } catch (error) {
    if (isAppError(error) && error.code === 'concurrent_delivery') return false;
    throw error;
  }
}
