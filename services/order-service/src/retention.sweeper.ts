import type { Knex } from 'knex';
import { deleteInBatches } from '@ecom/service-kit/db';
import { startPeriodicTask, type PeriodicTask } from '@ecom/service-kit/lifecycle';
import type { Logger } from '@ecom/service-kit/logging';
import { deletePublishedEvents } from '@ecom/service-kit/outbox';
import type { OrderServiceConfig } from './config';

export interface RetentionSweeperOptions {
  readonly db: Knex;
  readonly settings: OrderServiceConfig['retention'];
  /** Deletes up to `limit` Idempotency-Keys expired at `now` (the repository's `deleteExpired`). */
  readonly deleteExpiredKeys: (now: Date, limit: number) => Promise<number>;
  readonly logger: Logger;
}

/**
 * The order service's housekeeping, every `intervalMs` in the HTTP service's process: published
 * outbox rows older than `outboxMs` (`batchSize` rows per statement) and expired Idempotency-Keys
 * are deleted. Several instances may sweep at once.
 */
export function startRetentionSweeper({
  db,
  settings,
  deleteExpiredKeys,
  logger,
}: RetentionSweeperOptions): PeriodicTask {
  return startPeriodicTask({
    name: 'retention sweep',
    intervalMs: settings.intervalMs,
    logger,
    run: async () => {
      const now = new Date();
      const events = await deletePublishedEvents(db, new Date(now.getTime() - settings.outboxMs), settings.batchSize);
      const keys = await deleteInBatches(settings.batchSize, (limit) => deleteExpiredKeys(now, limit));
      if (events + keys > 0) {
        logger.info({ outbox_events: events, idempotency_keys: keys }, 'retention: deleted expired rows');
      }
    },
  });
}
