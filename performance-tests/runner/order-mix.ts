/**
 * The order mix of k6's orders, read from the file k6 reads (k6/lib/order-mix.json), so the
 * database ceiling and the burst send the same orders as the load steps: as many lines, as many
 * units, the products drawn the same way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const rangeSchema = z
  .object({ min: z.number().int().positive(), max: z.number().int().positive() })
  .refine((range) => range.min <= range.max, 'min must not exceed max');

export const orderMixSchema = z.object({
  description: z.string(),
  lines: rangeSchema,
  quantity: rangeSchema,
  userId: rangeSchema,
});

export type OrderMix = z.infer<typeof orderMixSchema>;

export interface OrderItem {
  readonly product_id: number;
  readonly quantity: number;
}

export const ORDER_MIX_FILE = path.join(__dirname, '..', 'k6', 'lib', 'order-mix.json');

export function readOrderMix(file = ORDER_MIX_FILE): OrderMix {
  return orderMixSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** A whole number in [min, max], uniformly: the same draw as k6's `between`. */
export function drawBetween(range: OrderMix['lines'], random: () => number = Math.random): number {
  return range.min + Math.floor(random() * (range.max - range.min + 1));
}

/** One order's lines: products uniformly from `productIds`, with replacement, as k6's orderBody. */
export function drawOrderItems(
  mix: OrderMix,
  productIds: readonly number[],
  random: () => number = Math.random,
): OrderItem[] {
  if (productIds.length === 0) throw new Error('an order needs at least one product to choose from');
  return Array.from({ length: drawBetween(mix.lines, random) }, () => ({
    product_id: productIds[Math.floor(random() * productIds.length)]!,
    quantity: drawBetween(mix.quantity, random),
  }));
}

export function drawOrderBody(mix: OrderMix, productIds: readonly number[], random: () => number = Math.random) {
  return { user_id: drawBetween(mix.userId, random), items: drawOrderItems(mix, productIds, random) };
}
