import type { Migration } from '@ecom/service-kit/db';

/**
 * Idempotency keys of the POST endpoints. The primary key makes claiming a key race-free: of many
 * concurrent requests with one key, exactly one inserts the row.
 */
export const createIdempotencyKeys: Migration = {
  up: (db) =>
    db.schema.createTable('idempotency_keys', (table) => {
      table.string('idempotency_key', 128).primary();
      table.string('fingerprint', 64).notNullable(); // sha256 of endpoint + body
      table.enum('state', ['in_flight', 'completed']).notNullable();
      table.smallint('response_status').unsigned().nullable();
      table.text('response_body', 'mediumtext').nullable();
      table.datetime('created_at', { precision: 3 }).notNullable();
      table.datetime('expires_at', { precision: 3 }).notNullable();
      table.index(['expires_at'], 'idempotency_expiry_idx');
    }),
  down: (db) => db.schema.dropTable('idempotency_keys'),
};
