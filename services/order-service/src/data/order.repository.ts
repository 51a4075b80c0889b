import type { Knex } from 'knex';
import type { NewOrder, Order, OrderItem, OrderMode, OrderStatus } from '../domain/order';
import type { OrderFilter, OrderReader, OrderWriter } from '../domain/ports';

interface OrderRow {
  id: string;
  user_id: number;
  status: OrderStatus;
  mode: OrderMode;
  total_amount: string | null;
  rejection_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const orderColumns = [
  'id',
  'user_id',
  'status',
  'mode',
  'total_amount',
  'rejection_reason',
  'created_at',
  'updated_at',
];

/** Orders in MySQL; works on the knex instance or transaction it was built with. */
export class OrderRepository implements OrderReader, OrderWriter {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /**
   * The orders and their lines as two multi-row INSERTs, not yet run (the worker stores a chunk at
   * once; the lines' one is absent when there are none). An existing id fails the first.
   */
  insertStatements(orders: readonly NewOrder[], now: Date): Knex.QueryBuilder[] {
    const rows = orders.map(({ items: _items, ...order }) => ({ ...order, created_at: now, updated_at: now }));
    const lines = orders.flatMap((order) => order.items.map((item) => ({ order_id: order.id, ...item })));
    const statements = [this.db('orders').insert(rows)];
    if (lines.length > 0) statements.push(this.db('order_items').insert(lines));
    return statements;
  }

  async findById(id: string, options: { forUpdate?: boolean } = {}): Promise<Order | undefined> {
    const query = this.db('orders').select(orderColumns).where({ id });
    const row: OrderRow | undefined = await (options.forUpdate ? query.forUpdate() : query).first();
    if (!row) return undefined;
    return (await this.withItems([row]))[0];
  }

  /** Which of `ids` exist already (redelivered requests are skipped, not placed twice). */
  async findExistingIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.db('orders').select('id').whereIn('id', ids);
    return new Set(rows.map((row) => row.id));
  }

  async list(filter: OrderFilter): Promise<Order[]> {
    const query = this.db('orders').select(orderColumns);
    if (filter.userId !== undefined) query.where('user_id', filter.userId);
    if (filter.status !== undefined) query.where('status', filter.status);
    if (filter.afterId !== undefined) query.where('id', '>', filter.afterId);
    const rows: OrderRow[] = await query.orderBy('id').limit(filter.limit);
    return this.withItems(rows);
  }

  async updateStatus(id: string, status: OrderStatus, now: Date): Promise<void> {
    await this.db('orders').where({ id }).update({ status, updated_at: now });
  }

  private async withItems(rows: readonly OrderRow[]): Promise<Order[]> {
    if (rows.length === 0) return [];
    const lines: (OrderItem & { order_id: string })[] = await this.db('order_items')
      .select('order_id', 'product_id', 'quantity', 'unit_price')
      .whereIn(
        'order_id',
        rows.map((row) => row.id),
      )
      .orderBy(['order_id', 'product_id']);
    return rows.map((row) => ({
      id: row.id,
      user_id: Number(row.user_id),
      status: row.status,
      mode: row.mode,
      items: lines
        .filter((line) => line.order_id === row.id)
        .map((line) => ({
          product_id: Number(line.product_id),
          quantity: Number(line.quantity),
          unit_price: line.unit_price,
        })),
      total_amount: row.total_amount,
      rejection_reason: row.rejection_reason,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    }));
  }
}
