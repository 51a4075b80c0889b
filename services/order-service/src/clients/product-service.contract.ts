import { z } from 'zod';
import { AppError, isErrorCode, type ErrorDetail } from '@ecom/service-kit/errors';
import type { ReservationAttempt, StockRequest } from '../domain/ports';

/**
 * What the product service's reservation API answers, as this client reads it. The batch
 * endpoint's limits are the product service's `MAX_BATCH_RESERVATIONS` and `MAX_BATCH_LINES`: a
 * chunk larger than that goes in several calls.
 */
export const BATCH_LIMITS = Object.freeze({ orders: 128, lines: 1_000 });

/** A refusal passes through as it is; one whose code this version does not know keeps its status. */
export function refusal(
  status: number,
  error: { readonly code?: unknown; readonly message: string; readonly details: readonly ErrorDetail[] },
): AppError {
  const known = isErrorCode(error.code) ? error.code : 'request_refused';
  return new AppError(known, error.message, { status, details: error.details });
}

/** Orders in request order, cut into batches of at most BATCH_LIMITS.orders orders and .lines lines. */
export function splitIntoBatches(orders: readonly StockRequest[]): StockRequest[][] {
  const batches: StockRequest[][] = [];
  let lines = 0;
  for (const order of orders) {
    const current = batches[batches.length - 1];
    if (current && current.length < BATCH_LIMITS.orders && lines + order.items.length <= BATCH_LIMITS.lines) {
      current.push(order);
      lines += order.items.length;
    } else {
      batches.push([order]);
      lines = order.items.length;
    }
  }
  return batches;
}

const reservedLine = z.object({ product_id: z.number(), quantity: z.number(), unit_price: z.string() });

/** `POST /internal/reservations/batch`'s 200: one result per order, in request order. */
const batchAnswer = z.object({
  results: z.array(
    z.discriminatedUnion('outcome', [
      z.object({
        order_id: z.string(),
        outcome: z.enum(['reserved', 'replayed']),
        reservation: z.object({ items: z.array(reservedLine), total_amount: z.string() }),
      }),
      z.object({
        order_id: z.string(),
        outcome: z.literal('refused'),
        status: z.number().int(),
        error: z.object({
          code: z.unknown(),
          message: z.string(),
          details: z.array(z.looseObject({ message: z.string() })).default([]),
        }),
      }),
    ]),
  ),
});

/**
 * Each order's attempt from a batch answer, or undefined when the answer is not one result per
 * order of `batch`, in its order.
 */
export function readBatchAnswer(payload: unknown, batch: readonly StockRequest[]): ReservationAttempt[] | undefined {
  const parsed = batchAnswer.safeParse(payload);
  if (!parsed.success || parsed.data.results.length !== batch.length) return undefined;
  const { results } = parsed.data;
  if (!results.every((result, index) => result.order_id === batch[index]!.order_id)) return undefined;
  return results.map((result): ReservationAttempt =>
    result.outcome === 'refused'
      ? { order_id: result.order_id, error: refusal(result.status, result.error) }
      : { order_id: result.order_id, reservation: result.reservation },
  );
}
