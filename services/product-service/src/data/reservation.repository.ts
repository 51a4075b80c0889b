import type { Knex } from 'knex';
import { isDuplicateKeyError } from '@ecom/service-kit/db';
import type { ReservationStore } from '../domain/ports';
import type { Reservation, ReservationLine } from '../domain/reservation';

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

  async saveLines(orderId: string, lines: readonly ReservationLine[], totalAmount: string): Promise<void> {
    await this.db('stock_reservation_items').insert(lines.map((line) => ({ order_id: orderId, ...line })));
    await this.db('stock_reservations').where({ order_id: orderId }).update({ total_amount: totalAmount });
  }

  async find(orderId: string, options: { forUpdate?: boolean } = {}): Promise<Reservation | undefined> {
    const query = this.db('stock_reservations').where({ order_id: orderId });
    const row = await (options.forUpdate ? query.forUpdate() : query).first();
    if (!row) return undefined;
    const items = await this.db('stock_reservation_items')
      .select('product_id', 'quantity', 'unit_price')
      .where({ order_id: orderId })
      .orderBy('product_id');
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
