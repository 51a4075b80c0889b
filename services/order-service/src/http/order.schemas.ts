import { z } from 'zod';
import { validationError } from '@ecom/service-kit/errors';
import { ORDER_STATUSES } from '../domain/order';

/** The HTTP contract of the order service, in zod. Unknown fields are dropped, not rejected. */

const userId = z.number().int('must be a whole number').min(1).max(Number.MAX_SAFE_INTEGER);

/** An order as a caller with no identity (inside the trusted network) sends it: `user_id` required. */
export const placeOrderBody = z.object({
  user_id: userId,
  items: z
    .array(
      z.object({
        product_id: z.number().int('must be a whole number').min(1).max(Number.MAX_SAFE_INTEGER),
        quantity: z.number().int('must be a whole number').min(1).max(1_000),
      }),
    )
    .min(1, 'must contain at least one item')
    .max(100, 'must contain at most 100 items'),
});

/** An order from a caller the gateway identified: without `user_id`, it is the caller's own. */
export const identifiedPlaceOrderBody = placeOrderBody.extend({ user_id: userId.optional() });

export const idempotencyKeyHeader = z.string().trim().min(1).max(128).optional();

export const orderIdParam = z.uuid('must be an order id');

export const changeStatusBody = z.object({ status: z.enum(ORDER_STATUSES) });

export const listOrdersQuery = z.object({
  user_id: z.coerce.number().int().min(1).optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** The input as `schema` reads it, or a 400 naming every problem. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, message?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error.issues, message);
  return result.data;
}
