/**
 * What must hold after any fault, once the backlog has drained, checked against the databases of
 * the system and the requests the load recorded:
 * - every order acknowledged (201 sync, 202 async) exists exactly once, in a final state of the
 *   placement (pending = placed, or rejected): lost = 0, duplicates = 0 (orders are matched to
 *   requests by their unique user_id); and no order answered with a 5xx is placed (it may exist as
 *   `rejected`: an async request withdrawn because Kafka did not acknowledge it in time);
 * - stock is conserved: total = on hand + reserved, per product, and never negative; the units
 *   reserved at the product service equal the units of pending orders at the order service, once
 *   the order service's sweeper has had its time (a sync placement abandoned by a dying order
 *   service holds stock until then) — and no placement intent is left;
 * - every outbox event of both services is published.
 */
import { createDatabase } from '@ecom/service-kit/db';
import { eventually } from '@ecom/service-kit/testing';
import { findStockImbalances } from '@ecom/product-service/testing';
import type { RecordedRequest } from './mixed-load';
import { SWEEPER, type TestSystem } from './test-system';

type Db = ReturnType<typeof createDatabase>;
/** The transactional outbox of both services (libraries/service-kit/src/outbox/outbox.repository.ts). */
const OUTBOX_TABLE = 'outbox_events';
/** Sync placements that may hold stock (services/order-service/src/data/placement-intent.repository.ts). */
const INTENTS_TABLE = 'placement_intents';
/**
 * How long the sweeper may take, after the drain, to release what abandoned placements hold: its
 * threshold and interval, the circuit breaker's 5 s reset (it may have opened during the fault)
 * and a release's timeout, with room to spare.
 */
const SWEEP_BOUND_MS = SWEEPER.abandonedAfterMs + SWEEPER.intervalMs + 15_000;

/**
 * 5xx codes that say the request may have been acted on: the gateway's `bad_gateway` (the
 * service's connection broke after the request was sent, e.g. it was killed mid-request) and
 * `upstream_timeout`, and the order service's `acceptance_unknown`. Every other 5xx tells the
 * client its order was not taken, and such an order must never be placed.
 */
export const UNKNOWN_OUTCOME_CODES: ReadonlySet<string> = new Set([
  'bad_gateway',
  'upstream_timeout',
  'acceptance_unknown',
]);

/** user_ids of the 5xx answers `chosen` picks whose order is in the database, placed (not rejected). */
function placedAfter(
  orders: readonly RecordedRequest[],
  byUser: ReadonlyMap<number, string[]>,
  chosen: (record: RecordedRequest) => boolean,
): number[] {
  return orders
    .filter((record) => record.status !== undefined && record.status >= 500 && chosen(record))
    .map((record) => record.userId)
    .filter((userId) => byUser.get(userId)?.some((status) => status !== 'rejected'));
}

export interface InvariantReport {
  readonly sent: number;
  readonly acknowledged: number;
  readonly refused: number;
  /** Of those, refused for their token (401, 403): the load sends a valid admin token, so none should be. */
  readonly refusedForAuth: number;
  readonly unavailable: number;
  readonly noAnswer: number;
  /** Acknowledged orders not in the database once drained. */
  readonly lost: readonly number[];
  /** user_ids with more than one order. */
  readonly duplicates: readonly number[];
  /** user_ids of orders answered with a 5xx (told: not done) that were placed all the same. */
  readonly failedButPlaced: readonly number[];
  /**
   * user_ids of orders answered with a 5xx that says the outcome is unknown (UNKNOWN_OUTCOME_CODES)
   * and were placed: allowed (the client learns the outcome by retrying with its Idempotency-Key).
   */
  readonly unknownThenPlaced: readonly number[];
  /** Acknowledged orders in another status than pending or rejected. */
  readonly notFinal: readonly number[];
  readonly stockImbalances: readonly unknown[];
  readonly negativeStock: number;
  readonly reservationMismatches: readonly { productId: number; reserved: number; pendingUnits: number }[];
  /** Reservations held for orders that are not pending (first 10), with the order's status or null. */
  readonly orphanReservations: readonly { orderId: string; orderStatus: string | null }[];
  /** Placement intents still there at the end (the sweeper did not finish). */
  readonly leftoverIntents: number;
  /** At the drain: reservations held for no pending order, intents; then how long until both were settled. */
  readonly sweep: { readonly orphansAtDrain: number; readonly intentsAtDrain: number; readonly settledMs: number };
  readonly unpublishedEvents: { readonly product: number; readonly order: number };
  readonly drainMs: number;
}

export async function checkInvariants(
  system: TestSystem,
  records: readonly RecordedRequest[],
  drainTimeoutMs = 90_000,
): Promise<InvariantReport> {
  const productDb = createDatabase({ ...system.databases.product, poolMax: 2 });
  const orderDb = createDatabase({ ...system.databases.order, poolMax: 2 });
  try {
    const orders = records.filter((record) => record.kind !== 'read');
    const acknowledged = orders.filter((record) => record.status === 201 || record.status === 202);
    const ackedIds = acknowledged.map((record) => record.userId);
    const drainStarted = Date.now();
    // Drained: every acknowledged order is in the database and both outboxes are empty.
    await eventually(async () => {
      const found = await placedUserIds(orderDb, ackedIds);
      const unpublished = (await unpublishedCount(productDb)) + (await unpublishedCount(orderDb));
      return found.size === new Set(ackedIds).size && unpublished === 0 ? true : undefined;
    }, drainTimeoutMs).catch(() => undefined); // what is still missing is reported below
    const drainMs = Date.now() - drainStarted;
    const sweep = await awaitSweeper(productDb, orderDb);

    const rows = await orderDb('orders')
      .whereIn(
        'user_id',
        orders.map((record) => record.userId),
      )
      .select('user_id', 'status');
    const byUser = new Map<number, string[]>();
    for (const row of rows)
      byUser.set(Number(row.user_id), [...(byUser.get(Number(row.user_id)) ?? []), String(row.status)]);

    return {
      sent: records.length,
      acknowledged: acknowledged.length,
      refused: records.filter((record) => record.status !== undefined && record.status >= 400 && record.status < 500)
        .length,
      refusedForAuth: records.filter((record) => record.status === 401 || record.status === 403).length,
      unavailable: records.filter((record) => record.status !== undefined && record.status >= 500).length,
      noAnswer: records.filter((record) => record.status === 0).length,
      lost: ackedIds.filter((userId) => !byUser.has(userId)),
      duplicates: [...byUser].filter(([, statuses]) => statuses.length > 1).map(([userId]) => userId),
      failedButPlaced: placedAfter(orders, byUser, (record) => !UNKNOWN_OUTCOME_CODES.has(record.code ?? '')),
      unknownThenPlaced: placedAfter(orders, byUser, (record) => UNKNOWN_OUTCOME_CODES.has(record.code ?? '')),
      notFinal: ackedIds.filter((userId) =>
        byUser.get(userId)?.some((status) => !['pending', 'rejected'].includes(status)),
      ),
      stockImbalances: await findStockImbalances(productDb),
      negativeStock: Number((await productDb('products').where('stock', '<', 0).count({ n: '*' }).first())?.['n'] ?? 0),
      reservationMismatches: await reservationMismatches(productDb, orderDb),
      orphanReservations: (await orphanReservations(productDb, orderDb)).slice(0, 10),
      leftoverIntents: await intentCount(orderDb),
      sweep,
      unpublishedEvents: { product: await unpublishedCount(productDb), order: await unpublishedCount(orderDb) },
      drainMs,
    };
  } finally {
    await productDb.destroy();
    await orderDb.destroy();
  }
}

/** Waits (bounded) until no reservation is held for a non-pending order and no intent is left. */
async function awaitSweeper(productDb: Db, orderDb: Db): Promise<InvariantReport['sweep']> {
  const startedAt = Date.now();
  const orphansAtDrain = (await orphanReservations(productDb, orderDb)).length;
  const intentsAtDrain = await intentCount(orderDb);
  await eventually(async () => {
    const settled = (await orphanReservations(productDb, orderDb)).length === 0 && (await intentCount(orderDb)) === 0;
    return settled ? true : undefined;
  }, SWEEP_BOUND_MS).catch(() => undefined); // what is still held is reported
  return { orphansAtDrain, intentsAtDrain, settledMs: Date.now() - startedAt };
}

async function intentCount(db: Db): Promise<number> {
  return Number((await db(INTENTS_TABLE).count({ n: '*' }).first())?.['n'] ?? 0);
}

async function placedUserIds(orderDb: Db, userIds: readonly number[]): Promise<Set<number>> {
  const rows = await orderDb('orders')
    .whereIn('user_id', [...userIds])
    .distinct('user_id');
  return new Set(rows.map((row) => Number(row.user_id)));
}

async function unpublishedCount(db: Db): Promise<number> {
  if (!(await db.schema.hasTable(OUTBOX_TABLE))) return 0;
  return Number((await db(OUTBOX_TABLE).whereNull('published_at').count({ n: '*' }).first())?.['n'] ?? 0);
}

async function reservationMismatches(productDb: Db, orderDb: Db) {
  const reserved = await productDb('stock_reservation_items as i')
    .join('stock_reservations as r', 'r.order_id', 'i.order_id')
    .where('r.status', 'reserved')
    .groupBy('i.product_id')
    .select('i.product_id', productDb.raw('SUM(i.quantity) AS units'));
  const pending = await orderDb('order_items as i')
    .join('orders as o', 'o.id', 'i.order_id')
    .where('o.status', 'pending')
    .groupBy('i.product_id')
    .select('i.product_id', orderDb.raw('SUM(i.quantity) AS units'));
  const units = new Map<number, { reserved: number; pendingUnits: number }>();
  for (const row of reserved) units.set(Number(row.product_id), { reserved: Number(row.units), pendingUnits: 0 });
  for (const row of pending) {
    const entry = units.get(Number(row.product_id)) ?? { reserved: 0, pendingUnits: 0 };
    units.set(Number(row.product_id), { ...entry, pendingUnits: Number(row.units) });
  }
  return [...units]
    .filter(([, entry]) => entry.reserved !== entry.pendingUnits)
    .map(([productId, entry]) => ({ productId, ...entry }));
}

async function orphanReservations(productDb: Db, orderDb: Db) {
  const reserved = (await productDb('stock_reservations').where('status', 'reserved').select('order_id')).map((row) =>
    String(row.order_id),
  );
  const statuses = new Map<string, string>();
  for (let start = 0; start < reserved.length; start += 1_000) {
    const rows = await orderDb('orders')
      .whereIn('id', reserved.slice(start, start + 1_000))
      .select('id', 'status');
    rows.forEach((row) => statuses.set(String(row.id), String(row.status)));
  }
  return reserved
    .filter((orderId) => statuses.get(orderId) !== 'pending')
    .map((orderId) => ({ orderId, orderStatus: statuses.get(orderId) ?? null }));
}
