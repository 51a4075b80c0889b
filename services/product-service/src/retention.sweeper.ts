import type { Knex } from 'knex';
import { deleteInBatches } from '@ecom/service-kit/db';
import { startPeriodicTask, type PeriodicTask } from '@ecom/service-kit/lifecycle';
import type { Logger } from '@ecom/service-kit/logging';
import { deletePublishedEvents } from '@ecom/service-kit/outbox';
import type { ProductServiceConfig } from './config';
import { ReservationRepository } from './data/reservation.repository';

/**
 * The product service's housekeeping, every `intervalMs` in its own process: published outbox
 * rows older than `outboxMs` and reservations released longer than `releasedReservationMs` ago
 * are deleted, `batchSize` rows per statement. Several instances may sweep at once.
 */
export function startRetentionSweeper(
  db: Knex,
  settings: ProductServiceConfig['retention'],
  logger: Logger,
): PeriodicTask {
  const reservations = new ReservationRepository(db);
  return startPeriodicTask({
    name: 'retention sweep',
    intervalMs: settings.intervalMs,
    logger,
    run: async () => {
      const now = Date.now();
      const events = await deletePublishedEvents(db, new Date(now - settings.outboxMs), settings.batchSize);
      const releasedBefore = new Date(now - settings.releasedReservationMs);
      const released = await deleteInBatches(settings.batchSize, (limit) =>
        reservations.deleteReleasedBefore(releasedBefore, limit),
      );
      if (events + released > 0) {
        logger.info({ outbox_events: events, released_reservations: released }, 'retention: deleted expired rows');
      }
    },
  });
}
