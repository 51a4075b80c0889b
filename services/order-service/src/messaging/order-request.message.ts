import { z } from 'zod';
import type { OrderRequest } from '../domain/order';

/** The payload of an `order-requests` message: an accepted async order, validated on both ends. */
export const orderRequestMessage = z.object({
  order_id: z.uuid(),
  user_id: z.number().int().min(1),
  items: z
    .array(z.object({ product_id: z.number().int().min(1), quantity: z.number().int().min(1).max(1_000) }))
    .min(1)
    .max(100),
  accepted_at: z.iso.datetime({ offset: true }),
});

export type OrderRequestMessage = z.infer<typeof orderRequestMessage>;

export function toOrderRequest(message: OrderRequestMessage): OrderRequest {
  return { ...message, accepted_at: new Date(message.accepted_at) };
}

export function toOrderRequestMessage(request: OrderRequest): OrderRequestMessage {
  const { order_id, user_id, items, accepted_at } = request;
  return { order_id, user_id, items: [...items], accepted_at: accepted_at.toISOString() };
}
