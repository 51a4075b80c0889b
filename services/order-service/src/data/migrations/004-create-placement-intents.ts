import type { Migration } from '@ecom/service-kit/db';

/**
 * Sync orders about to reserve stock at the product service (see placement-intent.repository.ts).
 * A row outlives its request only when the order service died (or could not release) after the
 * reservation: the sweeper finds it by `created_at` and gives the stock back.
 */
export const createPlacementIntents: Migration = {
  up: (db) =>
    db.schema.createTable('placement_intents', (table) => {
      table.specificType('order_id', 'CHAR(36)').primary(); // a UUIDv7, always 36 characters
      table.enum('state', ['reserving', 'abandoned']).notNullable().defaultTo('reserving');
      table.datetime('created_at', { precision: 3 }).notNullable();
      table.index(['created_at'], 'placement_intents_created_idx');
    }),
  down: (db) => db.schema.dropTable('placement_intents'),
};
