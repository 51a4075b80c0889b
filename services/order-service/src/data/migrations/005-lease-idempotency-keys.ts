import type { Migration } from '@ecom/service-kit/db';

/**
 * Idempotency keys bind the order id they were claimed for, and an in-flight claim holds a lease:
 * once it ends (its process died, say), a retry takes the key over, and finds the earlier
 * attempt's order by that id (see http/idempotent-request.ts).
 */
export const leaseIdempotencyKeys: Migration = {
  up: (db) =>
    db.schema.alterTable('idempotency_keys', (table) => {
      table.specificType('order_id', 'CHAR(36)').nullable();
      table.datetime('lease_expires_at', { precision: 3 }).nullable();
    }),
  down: (db) =>
    db.schema.alterTable('idempotency_keys', (table) => {
      table.dropColumn('order_id');
      table.dropColumn('lease_expires_at');
    }),
};
