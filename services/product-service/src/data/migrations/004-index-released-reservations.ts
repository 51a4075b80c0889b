import type { Migration } from '@ecom/service-kit/db';

/**
 * Retention deletes released reservations by `released_at`: an index for that range, and markers
 * (releases recorded before any reservation, which had no `released_at`) released at creation.
 */
export const indexReleasedReservations: Migration = {
  up: async (db) => {
    await db('stock_reservations')
      .where({ status: 'released' })
      .whereNull('released_at')
      .update({ released_at: db.ref('created_at') });
    await db.schema.alterTable('stock_reservations', (table) => {
      table.index(['status', 'released_at'], 'reservations_released_idx');
    });
  },
  down: (db) =>
    db.schema.alterTable('stock_reservations', (table) =>
      table.dropIndex(['status', 'released_at'], 'reservations_released_idx'),
    ),
};
