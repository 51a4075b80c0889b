import type { CatalogueEvent } from './catalogue-events';
import type { UnitOfWork } from './ports';
import { allocateStock, type OrderReservation } from './stock-allocation';
import { orderKey, type RequestedItem, type Reservation, type ReservationRequest } from './reservation';

export type { OrderReservation } from './stock-allocation';

export interface ReservationOutcome {
  readonly reservation: Reservation;
  /** False when this call reserved the stock, true when an earlier call with the order id had. */
  readonly replayed: boolean;
}

/**
 * Reserves the stock of a batch of orders in ONE transaction of a few statements, whatever its
 * size: the reservations the order ids have already, then the products named, locked in id order
 * (`FOR UPDATE`, one statement: batches and single reservations never deadlock on each other),
 * the decisions in memory (stock-allocation.ts), then one multi-row write each for reservations,
 * their lines, stock and the `stock.reserved` events. Each order is reserved whole or not at all;
 * a refused one takes nothing and changes nothing for the others. Keyed by order id: a retry gets
 * the first result back and nothing is reserved twice; a concurrent claim of the same id (another
 * call, or a release) makes the reservations' insert fail, and the unit of work runs the batch
 * again, which then finds it.
 */
export function reserveStocks(
  unitOfWork: UnitOfWork,
  requests: readonly ReservationRequest[],
  now = new Date(),
): Promise<OrderReservation[]> {
  return unitOfWork(async ({ products, reservations, writeReservations }) => {
    const existing = await reservations.findMany([...new Set(requests.map((request) => orderKey(request.order_id)))]);
    const productIds = productIdsOf(requests.filter((request) => !existing.has(orderKey(request.order_id))));
    const catalogue = productIds.length > 0 ? await products.lockStockAndPrices(productIds) : new Map();
    const allocation = allocateStock(requests, existing, catalogue);
    if (allocation.reservations.length > 0) {
      const requestIds = new Map(requests.map((request) => [orderKey(request.order_id), request.request_id]));
      const events = allocation.reservations.flatMap((reservation) =>
        reservedEvents(reservation, requestIds.get(orderKey(reservation.order_id))),
      );
      await writeReservations({ reservations: allocation.reservations, taken: allocation.taken, events, now });
    }
    return [...allocation.outcomes];
  });
}

/**
 * Reserves every item of one order, or none (a batch of one, so the same few statements), and
 * returns the catalogue's unit prices, which are what the order pays. Throws the refusal: 409
 * short stock or released, 422 unknown product, other items, or a total too large.
 */
export async function reserveStock(
  unitOfWork: UnitOfWork,
  orderId: string,
  items: readonly RequestedItem[],
  now = new Date(),
): Promise<ReservationOutcome> {
  const [outcome] = await reserveStocks(unitOfWork, [{ order_id: orderId, items }], now);
  if (outcome!.refusal) throw outcome!.refusal;
  return { reservation: outcome!.reservation, replayed: outcome!.replayed };
}

/** Every product the requests name, once each, in id order. */
function productIdsOf(requests: readonly ReservationRequest[]): number[] {
  const ids = new Set(requests.flatMap((request) => request.items.map((item) => item.product_id)));
  return [...ids].sort((a, b) => a - b);
}

/** One `stock.reserved` per line, as a reservation of one order has always published them. */
function reservedEvents({ order_id, items }: Reservation, requestId: string | undefined): CatalogueEvent[] {
  return items.map(({ product_id, quantity }) => ({
    type: 'stock.reserved',
    orderId: order_id,
    line: { product_id, quantity },
    ...(requestId === undefined ? {} : { requestId }),
  }));
}
