import type { Knex } from 'knex';
import { isDuplicateKeyError } from '@ecom/service-kit/db';
import { concurrentChangeError } from '@ecom/service-kit/errors';
import type { ReservationStore } from '../domain/ports';
import { orderKey, type Reservation } from '../domain/reservation';

/** Stock reservations in MySQL, keyed by order id. */
export class ReservationRepository implements ReservationStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /**
   * Claims the order id. Resolves false when a reservation (or release) for it already exists;
   * the primary key makes concurrent claims of one id race-free.
   */
  async claim(orderId: string, status: Reservation['status'], now: Date): Promise<boolean> {
    const releasedAt = status === 'released' ? now : null; // a marker: released from the start
    try {
      await this.db('stock_reservations').insert({
        order_id: orderId,
        status,
        total_amount: '0.00',
        created_at: now,
        released_at: releasedAt,
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * Two multi-row inserts: the reservations (with their totals), then their lines. Rows go in
   * order id order, so two calls claiming the same ids wait for each other instead of deadlocking.
   * Not yet run: an id claimed meanwhile fails the first (map its error with `claimedMeanwhile`).
   */
  insertStatements(reservations: readonly Reservation[], now: Date): [Knex.QueryBuilder, Knex.QueryBuilder] {
    const sorted = [...reservations].sort((a, b) => (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0));
    const rows = sorted.map(({ order_id, total_amount }) => ({
      order_id,
      status: 'reserved',
      total_amount,
      created_at: now,
      released_at: null,
    }));
    const lines = sorted.flatMap(({ order_id, items }) => items.map((line) => ({ order_id, ...line })));
    return [this.db('stock_reservations').insert(rows), this.db('stock_reservation_items').insert(lines)];
  }

  async find(orderId: string, options: { forUpdate?: boolean } = {}): Promise<Reservation | undefined> {
    const query = this.db('stock_reservations').where({ order_id: orderId });
    const row: ReservationRow | undefined = await (options.forUpdate ? query.forUpdate() : query).first();
    if (!row) return undefined;
    const items: ItemRow[] = await this.db('stock_reservation_items')
      .select('product_id', 'quantity', 'unit_price')
      .where({ order_id: orderId })
      .orderBy('product_id');
    return toReservation(row, items);
  }

  /** The reservations of `orderIds` with their lines, in one read (a join), keyed by orderKey. */
  async findMany(orderIds: readonly string[]): Promise<Map<string, Reservation>> {
    if (orderIds.length === 0) return new Map();
    const rows: (ReservationRow & { [K in keyof ItemRow]: ItemRow[K] | null })[] = await this.db(
      'stock_reservations as r',
    )
      .leftJoin('stock_reservation_items as i', 'i.order_id', 'r.order_id')
      .select('r.order_id', 'r.status', 'r.total_amount', 'i.product_id', 'i.quantity', 'i.unit_price')
      .whereIn('r.order_id', orderIds)
      .orderBy(['r.order_id', 'i.product_id']);
    const found = new Map<string, { row: ReservationRow; items: ItemRow[] }>();
    for (const row of rows) {
      const entry = found.get(row.order_id) ?? { row, items: [] };
      if (row.product_id !== null) entry.items.push(row as ItemRow);
      found.set(row.order_id, entry);
    }
    return new Map([...found.values()].map(({ row, items }) => [orderKey(row.order_id), toReservation(row, items)]));
  }

  async markReleased(orderId: string, now: Date): Promise<boolean> {
    const changed = await this.db('stock_reservations')
      .where({ order_id: orderId, status: 'reserved' })
      .update({ status: 'released', released_at: now });
    return changed === 1;
  }

  /**
   * Retention: deletes up to `limit` reservations released before `releasedBefore`, lines first
   * (a sweep cut short leaves a released row without lines, which the next one deletes); resolves
   * with how many. Reservations still held are never touched (conservation counts only those). A
   * marker deleted no longer refuses a late reservation for its order id, so markers are kept far
   * longer than any reservation can be late.
   */
  async deleteReleasedBefore(releasedBefore: Date, limit: number): Promise<number> {
    const orderIds: string[] = await this.db('stock_reservations')
      .where({ status: 'released' })
      .andWhere('released_at', '<', releasedBefore)
      .limit(limit)
      .pluck('order_id');
    if (orderIds.length === 0) return 0;
    await this.db('stock_reservation_items').whereIn('order_id', orderIds).delete();
    const deleted: number = await this.db('stock_reservations')
      .whereIn('order_id', orderIds)
      .andWhere({ status: 'released' })
      .delete();
    return deleted;
  }
}

interface ReservationRow {
  readonly order_id: string;
  readonly status: Reservation['status'];
  readonly total_amount: string;
}

interface ItemRow {
  readonly product_id: number | string;
  readonly quantity: number | string;
  readonly unit_price: string;
}

function toReservation(row: ReservationRow, items: readonly ItemRow[]): Reservation {
  return {
    order_id: row.order_id,
    status: row.status,
    items: items.map((item) => ({
      product_id: Number(item.product_id),
      quantity: Number(item.quantity),
      unit_price: String(item.unit_price),
    })),
    total_amount: String(row.total_amount),
  };
}

/** An order id claimed by another call meanwhile (its key exists): retriable, the batch runs again and finds it. */
export function claimedMeanwhile(error: unknown): unknown {
  return isDuplicateKeyError(error) ? concurrentChangeError('the reservations of these order ids', error) : error;
}
