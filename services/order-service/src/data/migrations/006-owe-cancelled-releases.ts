import type { Migration } from '@ecom/service-kit/db';

/**
 * A placement intent may also be `releasing`: stock a cancelled order owes back, recorded in the
 * cancel's transaction and deleted once the product service has confirmed the release (see
 * change-order-status.use-case.ts). The sweeper releases such rows at once, not after a threshold.
 */
export const oweCancelledReleases: Migration = {
  up: (db) =>
    db.schema.alterTable('placement_intents', (table) => {
      table.enum('state', ['reserving', 'abandoned', 'releasing']).notNullable().defaultTo('reserving').alter();
    }),
  down: async (db) => {
    // Still owed: `abandoned` rows are released by the sweeper of before, once old enough.
    await db('placement_intents').where({ state: 'releasing' }).update({ state: 'abandoned' });
    await db.schema.alterTable('placement_intents', (table) => {
      table.enum('state', ['reserving', 'abandoned']).notNullable().defaultTo('reserving').alter();
    });
  },
};
