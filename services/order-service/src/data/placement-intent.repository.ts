import type { Knex } from 'knex';
import type { OwedReleases, PlacementIntent, PlacementIntents } from '../domain/ports';

const TABLE = 'placement_intents';

/**
 * Placement intents in MySQL: "this sync order may be holding stock at the product service".
 * Written (committed) before the reservation; removed in the order's own transaction, or once the
 * stock is known not to be held. The sweeper claims an old one by moving it from `reserving` to
 * `abandoned` in one conditional UPDATE, so of an order's write and a sweeper (or two sweepers)
 * exactly one wins. A cancelled order's owed release is a row in state `releasing`, due at once.
 * Works on the knex instance or transaction it was built with.
 */
export class PlacementIntentRepository implements PlacementIntents, OwedReleases {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /** One multi-row INSERT: all of them are recorded, or none. */
  async record(orderIds: readonly string[], now: Date): Promise<void> {
    if (orderIds.length === 0) return;
    await this.db(TABLE).insert(orderIds.map((order_id) => ({ order_id, state: 'reserving', created_at: now })));
  }

  /**
   * The DELETE of the intents still `reserving`, not yet run (it goes with the writes of their
   * orders). Fewer deleted than asked: a sweeper has claimed some, their stock is being given back.
   */
  completeReservingStatement(orderIds: readonly string[]): Knex.QueryBuilder {
    return this.db(TABLE)
      .whereIn('order_id', [...orderIds])
      .andWhere({ state: 'reserving' })
      .delete();
  }

  /** Deletes the intent whatever its state (the order holds no stock any more); true when this call deleted it. */
  async forget(orderId: string): Promise<boolean> {
    return (await this.db(TABLE).where({ order_id: orderId }).delete()) === 1;
  }

  /**
   * Oldest first: intents created before `cutoff` (still `reserving`, or claimed but not yet
   * released), and every owed release whatever its age (no placement is in flight for it).
   */
  async findDue(cutoff: Date, limit: number): Promise<PlacementIntent[]> {
    return this.db(TABLE)
      .select('order_id', 'state', 'created_at')
      .where('created_at', '<', cutoff)
      .orWhere({ state: 'releasing' })
      .orderBy('created_at')
      .limit(limit);
  }

  /** A cancelled order's stock is owed back; owing it again (a repeated cancel) changes nothing. */
  async owe(orderId: string, now: Date): Promise<void> {
    await this.oweStatement([orderId], now);
  }

  /** The INSERT of `owe` for several orders, not yet run. */
  oweStatement(orderIds: readonly string[], now: Date): Knex.QueryBuilder {
    return this.db(TABLE)
      .insert(orderIds.map((order_id) => ({ order_id, state: 'releasing', created_at: now })))
      .onConflict('order_id')
      .merge({ state: 'releasing' });
  }

  /** The owed release was confirmed. */
  async settle(orderId: string): Promise<void> {
    await this.forget(orderId);
  }

  /** `reserving` → `abandoned`; true when this call made the change (the intent is ours to release). */
  async claim(orderId: string): Promise<boolean> {
    const changed = await this.db(TABLE)
      .where({ order_id: orderId, state: 'reserving' })
      .update({ state: 'abandoned' });
    return changed === 1;
  }
}
