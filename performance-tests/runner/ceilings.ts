/**
 * The ceilings the system's figures are put beside, measured in the same run on the same machine:
 * - the database: the very reservation and order transactions of a sync order (the product
 *   service's reserveStock use case inside the order service's placeSyncOrder), with k6's order
 *   mix (order-mix.ts), called in-process in a tight closed loop at the same concurrency as the
 *   sync saturation step; no HTTP, no Kafka.
 * - the plain commit loop: as many loops on the same MariaDB, each an INSERT of a small row in
 *   autocommit (one durable commit each): what the server commits per second, before any logic.
 * - the broker: Kafka's own ProducerPerformance tool from the broker's jars (acks=all, as ours).
 */
import { AppError } from '@ecom/service-kit/errors';
import { createDatabase, type DatabaseSettings } from '@ecom/service-kit/db';
import {
  PlacementIntentRepository,
  createUnitOfWork as orderUnitOfWork,
  placeSyncOrder,
  type SyncPlacementDependencies,
} from '@ecom/order-service/bench';
import { createUnitOfWork as productUnitOfWork, reserveStock } from '@ecom/product-service/bench';
import { runClosedLoop, type Throughput } from './closed-loop';
import { ROOT } from './local-system';
import { drawOrderBody, readOrderMix, type OrderItem as RequestedItem } from './order-mix';
import { runCommand } from './processes';

export type { Throughput } from './closed-loop';

/** Sync orders' database work alone, `concurrency` loops for `seconds`, on the perf databases. */
export async function measureDatabaseCeiling(
  databases: { product: DatabaseSettings; order: DatabaseSettings },
  productIds: readonly number[],
  concurrency: number,
  seconds: number,
): Promise<Throughput> {
  const productDb = createDatabase(databases.product);
  const orderDb = createDatabase(databases.order);
  const reservations = productUnitOfWork(productDb);
  const reserve = async (orderId: string, items: readonly RequestedItem[]) =>
    (await reserveStock(reservations, orderId, items)).reservation;
  // Not annotated, so it fits the order service's port with or without members the sync path never calls.
  const stock = {
    reserve,
    reserveMany: (orders: readonly { order_id: string; items: readonly RequestedItem[] }[]) =>
      Promise.all(
        orders.map(async (order) => ({
          order_id: order.order_id,
          reservation: await reserve(order.order_id, order.items),
        })),
      ),
    release: async () => ({ items: [] }),
    // In-process: a failed reservation rolled back with its transaction, nothing to undo.
    mayHaveReserved: () => false,
  };
  const deps: SyncPlacementDependencies = {
    unitOfWork: orderUnitOfWork(orderDb),
    intents: new PlacementIntentRepository(orderDb), // the durable intent is part of a sync order's work
    stock,
  };
  const mix = readOrderMix();
  try {
    // A refusal (409 short stock: the contention data set runs out) is an order the database
    // answered: counted, not a failure of the run.
    const placeOrRefuse = () =>
      placeSyncOrder(deps, drawOrderBody(mix, productIds)).catch((error: unknown) => {
        if (!(error instanceof AppError && error.status < 500)) throw error;
      });
    return await runClosedLoop(concurrency, seconds, placeOrRefuse);
  } finally {
    await Promise.all([productDb.destroy(), orderDb.destroy()]);
  }
}

export interface CommitLoop extends Throughput {
  /** The server's durability settings, as it reported them. */
  readonly flushLogAtTrxCommit: number;
  readonly syncBinlog: number;
  /** One per loop. */
  readonly connections: number;
}

const COMMIT_LOOP_TABLE = 'perf_commit_loop';

/**
 * `concurrency` loops, each on its own connection an INSERT of a 32-byte row into a throw-away
 * table of `database` in autocommit (one durable commit each), for `seconds`: what the server
 * commits at that concurrency, before any logic. The table is dropped afterwards.
 */
export async function measureCommitLoop(
  database: DatabaseSettings,
  concurrency: number,
  seconds: number,
): Promise<CommitLoop> {
  const db = createDatabase({ ...database, poolMax: concurrency });
  try {
    await db.schema.dropTableIfExists(COMMIT_LOOP_TABLE);
    await db.schema.createTable(COMMIT_LOOP_TABLE, (table) => {
      table.bigIncrements('id');
      table.string('payload', 32).notNullable();
    });
    const [rows] = (await db.raw('SELECT @@innodb_flush_log_at_trx_commit AS flush, @@sync_binlog AS syncBinlog')) as [
      { flush: number; syncBinlog: number }[],
    ];
    const payload = 'x'.repeat(32);
    const loop = await runClosedLoop(concurrency, seconds, () => db(COMMIT_LOOP_TABLE).insert({ payload }));
    return {
      ...loop,
      flushLogAtTrxCommit: Number(rows[0]?.flush),
      syncBinlog: Number(rows[0]?.syncBinlog),
      connections: concurrency,
    };
  } finally {
    await db.schema.dropTableIfExists(COMMIT_LOOP_TABLE).catch(() => undefined);
    await db.destroy();
  }
}

/** Kafka's ProducerPerformance: `records` of `recordBytes` as fast as the broker takes them, acks=all. */
export async function measureKafkaCeiling(
  brokers: readonly string[],
  topic: string,
  records = 100_000,
  recordBytes = 300,
) {
  const output = await runCommand('bash', [
    `${ROOT}/infrastructure/kafka/kafka.sh`,
    'run-class',
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordBytes),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers.join(',')}`,
    'acks=all',
    'enable.idempotence=true',
  ]);
  // "100000 records sent, 61349.7 records/sec (17.55 MB/sec), 412.3 ms avg latency, 700.0 ms max latency, 410 ms 50th, 650 ms 95th, 690 ms 99th, 699 ms 99.9th."
  const final =
    /(\d+) records sent, ([\d.]+) records\/sec.*?([\d.]+) ms avg latency.*?(\d+) ms 50th.*?(\d+) ms 99th/s.exec(output);
  if (!final) throw new Error(`could not read ProducerPerformance output: ${output.slice(-500)}`);
  return {
    perSecond: Math.round(Number(final[2])),
    records: Number(final[1]),
    avgMs: Number(final[3]),
    p50Ms: Number(final[4]),
    p99Ms: Number(final[5]),
  };
}
