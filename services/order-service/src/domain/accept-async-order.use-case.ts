import type { OrderBody } from './order';
import { newOrderId } from './order-id';
import type { OrderRequestQueue } from './ports';

/**
 * `POST /orders/async`: gives the order its id at once and hands it to the queue; resolves with
 * the id only after the queue has it durably (the queue rejects with a 503 otherwise). The worker
 * places it later (place-async-orders.use-case.ts).
 */
export async function acceptAsyncOrder(
  queue: OrderRequestQueue,
  body: OrderBody,
  now = new Date(),
): Promise<{ readonly id: string }> {
  const id = newOrderId(now.getTime());
  await queue.enqueue({ order_id: id, user_id: body.user_id, items: body.items, accepted_at: now });
  return { id };
}
