import type { Migration } from '@ecom/service-kit/db';

/**
 * `stock` is what can still be reserved; `total_stock` is every unit ever put in (creation and
 * later stock edits). Reservations move units out of `stock`, releases move them back, so at any
 * moment total_stock = stock + reserved-and-not-released (the conservation query checks it).
 */
export const createProducts: Migration = {
  up: (db) =>
    db.schema.createTable('products', (table) => {
      table.bigIncrements('id');
      table.string('name', 200).notNullable();
      table.text('description').nullable();
      table.string('category', 100).nullable();
      table.decimal('price', 12, 2).notNullable();
      table.integer('stock').unsigned().notNullable();
      table.bigInteger('total_stock').unsigned().notNullable();
      table.integer('version').unsigned().notNullable().defaultTo(1);
      table.datetime('created_at', { precision: 3 }).notNullable();
      table.datetime('updated_at', { precision: 3 }).notNullable();
      table.datetime('deleted_at', { precision: 3 }).nullable();
      table.index(['category', 'id'], 'products_category_idx');
      table.index(['price'], 'products_price_idx');
    }),
  down: (db) => db.schema.dropTable('products'),
};
