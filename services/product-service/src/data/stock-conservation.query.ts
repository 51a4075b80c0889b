import type { Knex } from 'knex';

/**
 * Conservation check, per product: total_stock = stock + units reserved and not released.
 * Returns the products where it does not hold (none, when all is well).
 */
export async function findStockImbalances(
  db: Knex,
): Promise<{ product_id: number; total_stock: number; stock: number; reserved: number }[]> {
  const rows = await db('products as p')
    .leftJoin(
      db('stock_reservation_items as i')
        .join('stock_reservations as r', 'r.order_id', 'i.order_id')
        .where('r.status', 'reserved')
        .groupBy('i.product_id')
        .select('i.product_id', db.raw('SUM(i.quantity) AS reserved'))
        .as('held'),
      'held.product_id',
      'p.id',
    )
    .select('p.id', 'p.total_stock', 'p.stock', db.raw('COALESCE(held.reserved, 0) AS reserved'))
    .whereRaw('p.total_stock <> p.stock + COALESCE(held.reserved, 0)');
  return rows.map((row) => ({
    product_id: Number(row.id),
    total_stock: Number(row.total_stock),
    stock: Number(row.stock),
    reserved: Number(row.reserved),
  }));
}
