import { isAppError } from '@ecom/service-kit/errors';
import type { OrderBody, OrderRequest } from './order';
import { rejectedOrder } from './place-async-orders.use-case';
import type { OrderRequestQueue, UnitOfWork } from './ports';
import { storeOrders } from './store-orders.step';

export interface AsyncAcceptanceDependencies {
  readonly queue: OrderRequestQueue;
  readonly unitOfWork: UnitOfWork;
}

/** Why a withdrawn order is rejected, as its poll shows it. */
export const NOT_ACCEPTED = 'not_accepted: the broker did not acknowledge the request in time; it was answered 503';

/**
 * `POST /orders/async`: hands the order, under `orderId`, to the queue and resolves with the id
 * once the queue has it durably; the worker places it later (place-async-orders.use-case.ts).
 *
 * When the queue does not confirm in time (a frozen broker, say), the request may still reach
 * the queue later, and the client is about to hear 503. So the order is withdrawn first: stored
 * as `rejected` (not accepted), which the worker then skips. Both write the same primary key, so
 * exactly one wins: if the worker stored the order first, it was accepted after all and this
 * resolves with its id. A 503 is thus never placed. (When the database cannot take the withdrawal
 * either, the 503 goes out without that guarantee; docs/reliability.md, known limits.)
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
    const withdrawn = await withdraw(deps.unitOfWork, request, now).catch(() => true);
    if (!withdrawn) return { id: orderId };
    throw error;
  }
  return { id: orderId };
}

/** True when withdrawn; false when the worker had stored the order already; rejects when the database cannot say. */
async function withdraw(unitOfWork: UnitOfWork, request: OrderRequest, now: Date): Promise<boolean> {
  try {
    await storeOrders(unitOfWork, [rejectedOrder(request, NOT_ACCEPTED)], { now });
    return true;
  } catch (error) {
    if (isAppError(error) && error.code === 'concurrent_delivery') return false;
    throw error;
  }
}
