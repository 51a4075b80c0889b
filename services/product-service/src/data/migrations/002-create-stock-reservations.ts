import type { Migration } from '@ecom/service-kit/db';

/**
 * One row per order that reserved stock (keyed by the order id, which makes reserve and release
 * idempotent), and one row per reserved product with the unit price the order pays.
 */
export const createStockReservations: Migration = {
  up: async (db) => {
    await db.schema.createTable('stock_reservations', (table) => {
      table.string('order_id', 64).primary();
      table.enum('status', ['reserved', 'released']).notNullable();
      table.decimal('total_amount', 14, 2).notNullable();
      table.datetime('created_at', { precision: 3 }).notNullable();
      table.datetime('released_at', { precision: 3 }).nullable();
    });
    await db.schema.createTable('stock_reservation_items', (table) => {
      table.string('order_id', 64).notNullable().references('order_id').inTable('stock_reservations');
      table.bigInteger('product_id').unsigned().notNullable().references('id').inTable('products');
      table.integer('quantity').unsigned().notNullable();
      table.decimal('unit_price', 12, 2).notNullable();
      table.primary(['order_id', 'product_id']);
      table.index(['product_id'], 'reservation_items_product_idx');
    });
  },
  down: async (db) => {
    await db.schema.dropTable('stock_reservation_items');
    await db.schema.dropTable('stock_reservations');
  },
};
