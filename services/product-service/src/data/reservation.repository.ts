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
    try {
      await this.db('stock_reservations').insert({ order_id: orderId, status, total_amount: '0.00', created_at: now });
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
}
