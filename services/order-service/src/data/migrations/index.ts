import type { Migration } from '@ecom/service-kit/db';
import { createOutboxTable } from '@ecom/service-kit/outbox';
import { createOrders } from './001-create-orders';
import { createIdempotencyKeys } from './002-create-idempotency-keys';
import { createPlacementIntents } from './004-create-placement-intents';
import { leaseIdempotencyKeys } from './005-lease-idempotency-keys';
import { oweCancelledReleases } from './006-owe-cancelled-releases';
import { scopeIdempotencyKeysPerUser } from './007-scope-idempotency-keys-per-user';

/** The order service's schema, in order. Append; never edit a migration that has shipped. */
export const migrations: Readonly<Record<string, Migration>> = {
  '001_create_orders': createOrders,
  '002_create_idempotency_keys': createIdempotencyKeys,
  '003_create_outbox': { up: createOutboxTable, down: (db) => db.schema.dropTable('outbox_events') },
  '004_create_placement_intents': createPlacementIntents,
  '005_lease_idempotency_keys': leaseIdempotencyKeys,
  '006_owe_cancelled_releases': oweCancelledReleases,
  '007_scope_idempotency_keys_per_user': scopeIdempotencyKeysPerUser,
};
