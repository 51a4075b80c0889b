import type { Knex } from 'knex';
import type { PlacementIntent, PlacementIntents } from '../domain/ports';

const TABLE = 'placement_intents';

/**
 * Placement intents in MySQL: "this sync order may be holding stock at the product service".
 * Written (committed) before the reservation; removed in the order's own transaction, or once the
 * stock is known not to be held. The sweeper claims an old one by moving it from `reserving` to
 * `abandoned` in one conditional UPDATE, so of an order's write and a sweeper (or two sweepers)
 * exactly one wins. Works on the knex instance or transaction it was built with.
 */
export class PlacementIntentRepository implements PlacementIntents {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /** One multi-row INSERT: all of them are recorded, or none. */
  async record(orderIds: readonly string[], now: Date): Promise<void> {
    if (orderIds.length === 0) return;
    await this.db(TABLE).insert(orderIds.map((order_id) => ({ order_id, state: 'reserving', created_at: now })));
  }

  /**
   * Deletes the intents still `reserving` (in the transaction that writes their orders); resolves
   * with how many. Fewer than asked: a sweeper has claimed some, their stock is being given back.
   */
  async completeReserving(orderIds: readonly string[]): Promise<number> {
    if (orderIds.length === 0) return 0;
    return this.db(TABLE)
      .whereIn('order_id', [...orderIds])
      .andWhere({ state: 'reserving' })
      .delete();
  }

  /** Deletes the intent whatever its state (the order holds no stock any more); true when this call deleted it. */
  async forget(orderId: string): Promise<boolean> {
    return (await this.db(TABLE).where({ order_id: orderId }).delete()) === 1;
  }

  /** Intents created before `cutoff`, oldest first: those still `reserving` and those claimed but not yet released. */
  async findOlderThan(cutoff: Date, limit: number): Promise<PlacementIntent[]> {
    return this.db(TABLE)
      .select('order_id', 'state', 'created_at')
      .where('created_at', '<', cutoff)
      .orderBy('created_at')
      .limit(limit);
  }

  /** `reserving` → `abandoned`; true when this call made the change (the intent is ours to release). */
  async claim(orderId: string): Promise<boolean> {
    const changed = await this.db(TABLE)
      .where({ order_id: orderId, state: 'reserving' })
      .update({ state: 'abandoned' });
    return changed === 1;
  }
}
