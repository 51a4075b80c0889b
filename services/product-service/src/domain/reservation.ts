export interface ReservationLine {
  readonly product_id: number;
  readonly quantity: number;
  readonly unit_price: string;
}

export interface Reservation {
  readonly order_id: string;
  readonly status: 'reserved' | 'released';
  readonly items: readonly ReservationLine[];
  readonly total_amount: string;
}

export interface RequestedItem {
  readonly product_id: number;
  readonly quantity: number;
}

/** One order's stock to reserve, keyed by its order id (a second request for the id is a replay). */
export interface ReservationRequest {
  readonly order_id: string;
  readonly items: readonly RequestedItem[];
  /** The request that accepted the order (a batch's orders each have theirs), for its events' headers. */
  readonly request_id?: string;
}

/**
 * The key an order id is known by: ids that differ only in case are one order, as for the
 * reservations' primary key (a case-insensitive collation; ids are letters, digits, - and _).
 */
export function orderKey(orderId: string): string {
  return orderId.toLowerCase();
}

/** One line per product (duplicates summed), in product id order: locks are always taken in that order. */
export function mergeItems(items: readonly RequestedItem[]): RequestedItem[] {
  const quantities = new Map<number, number>();
  for (const item of items) quantities.set(item.product_id, (quantities.get(item.product_id) ?? 0) + item.quantity);
  return [...quantities].sort(([a], [b]) => a - b).map(([product_id, quantity]) => ({ product_id, quantity }));
}

export function sameItems(requested: readonly RequestedItem[], reserved: readonly ReservationLine[]): boolean {
  const merged = mergeItems(requested);
  return (
    merged.length === reserved.length &&
    merged.every(
      (item, index) => item.product_id === reserved[index]?.product_id && item.quantity === reserved[index]?.quantity,
    )
  );
}
