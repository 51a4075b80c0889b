import type { Knex } from 'knex';
import { deleteInBatches } from '../db/batched-delete';
import { currentRequestId } from '../logging/request-context';
import type { OutgoingEvent } from './event-envelope';

export const OUTBOX_TABLE = 'outbox_events';

/** The outbox table; each service adds it to its own migrations. */
export async function createOutboxTable(db: Knex): Promise<void> {
  await db.schema.createTable(OUTBOX_TABLE, (table) => {
    table.bigIncrements('id'); // publication order
    table.uuid('event_id').notNullable().unique();
    table.string('topic', 200).notNullable();
    table.string('message_key', 200).notNullable();
    table.string('type', 100).notNullable();
    table.text('envelope', 'mediumtext').notNullable();
    table.string('request_id', 128).nullable();
    table.datetime('occurred_at', { precision: 3 }).notNullable();
    table.datetime('published_at', { precision: 3 }).nullable();
    table.index(['published_at', 'id'], 'outbox_pending_idx');
  });
}

export interface OutboxRow {
  readonly id: number;
  readonly event_id: string;
  readonly topic: string;
  readonly message_key: string;
  readonly envelope: string;
  readonly request_id: string | null;
  readonly occurred_at: Date;
}

/**
 * Writes events in the caller's transaction, so they exist exactly when the change they describe
 * was committed. The current request id is kept so the relay can put it in the Kafka headers.
 */
export async function addToOutbox(trx: Knex.Transaction | Knex, events: readonly OutgoingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await outboxInsert(trx, events);
}

/** The INSERT of `addToOutbox`, not yet run: to send with other statements (runStatementBatch). */
export function outboxInsert(trx: Knex.Transaction | Knex, events: readonly OutgoingEvent[]): Knex.QueryBuilder {
  const requestId = currentRequestId() ?? null;
  return trx(OUTBOX_TABLE).insert(
    events.map((event) => ({
      event_id: event.envelope.event_id,
      topic: event.topic,
      message_key: event.key,
      type: event.envelope.type,
      envelope: JSON.stringify(event.envelope),
      request_id: event.requestId ?? requestId,
      occurred_at: new Date(event.envelope.occurred_at),
    })),
  );
}

/**
 * Locks the oldest unpublished events (FOR UPDATE, not SKIP LOCKED: a second relay instance waits
 * instead of overtaking, which keeps per-key order).
 */
export function lockPendingEvents(trx: Knex.Transaction, limit: number): Promise<OutboxRow[]> {
  return trx(OUTBOX_TABLE)
    .select('id', 'event_id', 'topic', 'message_key', 'envelope', 'request_id', 'occurred_at')
    .whereNull('published_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate();
}

export async function markPublished(trx: Knex.Transaction, ids: readonly number[], at: Date): Promise<void> {
  await trx(OUTBOX_TABLE).whereIn('id', ids).update({ published_at: at });
}

/** Whether any event waits to be published: one indexed, non-locking read (outbox_pending_idx). */
export async function hasPendingEvents(db: Knex): Promise<boolean> {
  const row = await db(OUTBOX_TABLE).select('id').whereNull('published_at').first();
  return row !== undefined;
}

export async function countPendingEvents(db: Knex): Promise<number> {
  const row = await db(OUTBOX_TABLE).whereNull('published_at').count({ pending: '*' }).first();
  return Number(row?.['pending'] ?? 0);
}

/**
 * Retention: deletes the events published before `publishedBefore`, `batchSize` rows per
 * statement (a range of the `published_at` index); events not yet published are never touched.
 */
export function deletePublishedEvents(db: Knex, publishedBefore: Date, batchSize: number): Promise<number> {
  return deleteInBatches(batchSize, (limit) =>
    db(OUTBOX_TABLE).where('published_at', '<', publishedBefore).limit(limit).delete(),
  );
}
