import { AppError } from '@ecom/service-kit/errors';
import { MAX_ORDER_TOTAL_CENTS, fromCents, toCents } from './money';
import type { StockAndPrice } from './ports';
import {
  insufficientStock,
  orderTotalTooLarge,
  reservationMismatch,
  reservationReleased,
  unknownProducts,
} from './reservation-refusals';
import { mergeItems, orderKey, sameItems, type Reservation, type ReservationRequest } from './reservation';

/** What became of one order of a batch: reserved (now, or by an earlier call: replayed), or refused. */
export type OrderReservation =
  | {
      readonly order_id: string;
      readonly reservation: Reservation;
      /** False when this call reserved the stock, true when an earlier call with the order id had. */
      readonly replayed: boolean;
      readonly refusal?: undefined;
    }
  | { readonly order_id: string; readonly refusal: AppError; readonly reservation?: undefined };

export interface Allocation {
  /** One per request, in request order. */
  readonly outcomes: readonly OrderReservation[];
  /** The reservations this batch makes, to be written. */
  readonly reservations: readonly Reservation[];
  /** Units taken from each product by those reservations. */
  readonly taken: ReadonlyMap<number, number>;
}

/**
 * Decides a batch in memory, in request order, as if its orders had come one call after another:
 * an order id reserved before (`existing`, or earlier in this batch) is replayed, or refused when
 * it was released or reserved other items; any other order is reserved whole from what the
 * orders before it left on hand, or refused and takes nothing (unknown products before short
 * stock, then a total too large). `catalogue` must hold every live product the orders name.
 */
export function allocateStock(
  requests: readonly ReservationRequest[],
  existing: ReadonlyMap<string, Reservation>,
  catalogue: ReadonlyMap<number, StockAndPrice>,
): Allocation {
  const held = new Map(existing);
  const onHand = new Map([...catalogue].map(([id, { stock }]) => [id, stock]));
  const taken = new Map<number, number>();
  const reservations: Reservation[] = [];
  const outcomes = requests.map((request): OrderReservation => {
    const { order_id } = request;
    const earlier = held.get(orderKey(order_id));
    if (earlier) return replay(earlier, request);
    const decided = reserveOrder(request, catalogue, onHand);
    if (decided instanceof AppError) return { order_id, refusal: decided };
    for (const { product_id, quantity } of decided.items) {
      onHand.set(product_id, onHand.get(product_id)! - quantity);
      taken.set(product_id, (taken.get(product_id) ?? 0) + quantity);
    }
    held.set(orderKey(order_id), decided);
    reservations.push(decided);
    return { order_id, reservation: decided, replayed: false };
  });
  return { outcomes, reservations, taken };
}

function replay(earlier: Reservation, request: ReservationRequest): OrderReservation {
  const { order_id } = request;
  if (earlier.status === 'released') return { order_id, refusal: reservationReleased(order_id) };
  if (!sameItems(request.items, earlier.items)) return { order_id, refusal: reservationMismatch(order_id) };
  return { order_id, reservation: earlier, replayed: true };
}

/** The order's reservation at catalogue prices, or why it cannot have one. */
function reserveOrder(
  request: ReservationRequest,
  catalogue: ReadonlyMap<number, StockAndPrice>,
  onHand: ReadonlyMap<number, number>,
): Reservation | AppError {
  const lines = mergeItems(request.items);
  const unknown = lines.filter((line) => !catalogue.has(line.product_id));
  if (unknown.length > 0) return unknownProducts(unknown);
  const short = lines
    .map((line) => ({ ...line, available: onHand.get(line.product_id)! }))
    .filter((line) => line.available < line.quantity);
  if (short.length > 0) return insufficientStock(short);
  const items = lines.map((line) => ({ ...line, unit_price: catalogue.get(line.product_id)!.price }));
  const totalCents = items.reduce((sum, line) => sum + toCents(line.unit_price) * BigInt(line.quantity), 0n);
  if (totalCents > MAX_ORDER_TOTAL_CENTS) return orderTotalTooLarge(fromCents(totalCents));
  return { order_id: request.order_id, status: 'reserved', items, total_amount: fromCents(totalCents) };
}
