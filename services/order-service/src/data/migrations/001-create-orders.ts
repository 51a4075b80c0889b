import type { Migration } from '@ecom/service-kit/db';

/** Orders and their lines. Ids are UUIDv7 (time-ordered), so keyset pages follow creation order. */
export const createOrders: Migration = {
  up: async (db) => {
    await db.schema.createTable('orders', (table) => {
      table.string('id', 36).primary();
      table.bigInteger('user_id').unsigned().notNullable();
      table.enum('status', ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'rejected']).notNullable();
      table.enum('mode', ['sync', 'async']).notNullable();
      table.decimal('total_amount', 14, 2).nullable(); // null for rejected orders: nothing was priced
      table.string('rejection_reason', 500).nullable();
      table.datetime('accepted_at', { precision: 3 }).notNullable();
      table.datetime('created_at', { precision: 3 }).notNullable();
      table.datetime('updated_at', { precision: 3 }).notNullable();
      table.index(['user_id', 'id'], 'orders_user_idx');
      table.index(['status', 'id'], 'orders_status_idx');
    });
    await db.schema.createTable('order_items', (table) => {
      table.string('order_id', 36).notNullable().references('id').inTable('orders');
      table.bigInteger('product_id').unsigned().notNullable();
      table.integer('quantity').unsigned().notNullable();
      table.decimal('unit_price', 12, 2).nullable(); // null for rejected orders
      table.primary(['order_id', 'product_id']);
    });
  },
  down: async (db) => {
    await db.schema.dropTable('order_items');
    await db.schema.dropTable('orders');
  },
};
