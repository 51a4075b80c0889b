import { AppError } from '@ecom/service-kit/errors';
import { MAX_ORDER_TOTAL_CENTS, fromCents, toCents } from './money';
import type { CatalogueTransaction, UnitOfWork } from './ports';
import { mergeItems, sameItems, type RequestedItem, type Reservation } from './reservation';

export interface ReservationOutcome {
  readonly reservation: Reservation;
  /** False when this call reserved the stock, true when an earlier call with the order id had. */
  readonly replayed: boolean;
}

/**
 * Reserves every item of an order, or none: conditional decrements (`stock >= quantity`) in one
 * transaction, in product id order. Keyed by order id, so a retry returns the first result and
 * reserves nothing twice. Returns the catalogue's unit prices, which are what the order pays.
 */
export function reserveStock(
  unitOfWork: UnitOfWork,
  orderId: string,
  items: readonly RequestedItem[],
  now = new Date(),
): Promise<ReservationOutcome> {
  return unitOfWork(async (repositories) => {
    const { products, reservations, addEvents } = repositories;
    if (!(await reservations.claim(orderId, 'reserved', now))) {
      return { reservation: await existingReservation(repositories, orderId, items), replayed: true };
    }
    const lines = mergeItems(items);
    const failed = [];
    for (const line of lines) {
      if (!(await products.takeStock(line.product_id, line.quantity, now))) failed.push(line);
    }
    if (failed.length > 0) throw await reservationRefusal(repositories, failed);

    const current = await products.findStockAndPrices(lines.map((line) => line.product_id));
    const priced = lines.map((line) => ({ ...line, unit_price: current.get(line.product_id)!.price }));
    const totalCents = priced.reduce((sum, line) => sum + toCents(line.unit_price) * BigInt(line.quantity), 0n);
    if (totalCents > MAX_ORDER_TOTAL_CENTS) throw orderTotalTooLarge(fromCents(totalCents)); // rolls the decrements back
    const total = fromCents(totalCents);
    await reservations.saveLines(orderId, priced, total);
    await addEvents(priced.map((line) => ({ type: 'stock.reserved', orderId, line })));
    return {
      reservation: { order_id: orderId, status: 'reserved', items: priced, total_amount: total },
      replayed: false,
    };
  });
}

async function existingReservation(
  { reservations }: CatalogueTransaction,
  orderId: string,
  items: readonly RequestedItem[],
): Promise<Reservation> {
  const existing = (await reservations.find(orderId))!;
  if (existing.status === 'released') {
    throw new AppError('reservation_released', `The reservation of order ${orderId} was already released`, {
      status: 409,
      details: [{ field: 'order_id', message: 'released orders cannot reserve again' }],
    });
  }
  if (!sameItems(items, existing.items)) {
    throw new AppError('reservation_mismatch', `Order ${orderId} already reserved different items`, {
      status: 422,
      details: [{ field: 'items', message: 'differ from the reservation already made for this order id' }],
    });
  }
  return existing;
}

/** Names every item that could not be reserved: unknown products (422) before short stock (409). */
async function reservationRefusal(
  { products }: CatalogueTransaction,
  failed: readonly RequestedItem[],
): Promise<AppError> {
  const current = await products.findStockAndPrices(failed.map((line) => line.product_id));
  const unknown = failed.filter((line) => !current.has(line.product_id));
  if (unknown.length > 0) {
    return new AppError('unknown_product', 'Some products do not exist', {
      status: 422,
      details: unknown.map((line) => ({ field: 'items', product_id: line.product_id, message: 'no such product' })),
    });
  }
  return new AppError('insufficient_stock', 'Not enough stock for some items', {
    status: 409,
    details: failed.map((line) => ({
      field: 'items',
      product_id: line.product_id,
      requested: line.quantity,
      available: current.get(line.product_id)?.stock ?? 0,
      message: 'insufficient stock',
    })),
  });
}

/** Refused before anything is stored: no order or reservation column could hold it. */
function orderTotalTooLarge(total: string): AppError {
  const limit = fromCents(MAX_ORDER_TOTAL_CENTS);
  return new AppError('order_total_too_large', `The order's total ${total} is above ${limit}`, {
    status: 422,
    details: [{ field: 'items', message: `the total at catalogue prices must not exceed ${limit}` }],
  });
}
