import type { Migration } from '@ecom/service-kit/db';

/**
 * Idempotency keys are scoped to the ordering user: the stored key is `<user_id>:<key>` (see
 * http/order-placement.handlers.ts), up to 16 digits, a colon and the client's 128 characters.
 * Keys stored before, whose order exists, are given their user's prefix, so a retry across the
 * upgrade still finds its first answer; the others (refusals, answers whose order was never
 * written) match no retry any more, and expire as before.
 */
export const scopeIdempotencyKeysPerUser: Migration = {
  up: async (db) => {
    await db.schema.alterTable('idempotency_keys', (table) => {
      table.string('idempotency_key', 160).notNullable().alter();
    });
    await db.raw(
      "UPDATE idempotency_keys k JOIN orders o ON o.id = k.order_id SET k.idempotency_key = CONCAT(o.user_id, ':', k.idempotency_key)",
    );
  },
  down: async (db) => {
    // Unscoped keys may collide once their prefixes go: the scoped ones are forgotten instead.
    await db('idempotency_keys').whereRaw('idempotency_key REGEXP ?', ['^[0-9]+:']).delete();
    await db.schema.alterTable('idempotency_keys', (table) => {
      table.string('idempotency_key', 128).notNullable().alter();
    });
  },
};
