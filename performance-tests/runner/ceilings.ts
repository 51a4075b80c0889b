/**
 * The ceilings the system's figures are put beside, measured in the same run on the same machine:
 * - the database: the very reservation and order transactions of a sync order (the product
 *   service's reserveStock use case inside the order service's placeSyncOrder), called in-process in
 *   a tight closed loop at the same concurrency as the sync saturation step; no HTTP, no Kafka.
 * - the broker: Kafka's own ProducerPerformance tool from the broker's jars (acks=all, as ours).
 */
import { createDatabase, type DatabaseSettings } from '@ecom/service-kit/db';
import {
  PlacementIntentRepository,
  createUnitOfWork as orderUnitOfWork,
  placeSyncOrder,
  type SyncPlacementDependencies,
} from '@ecom/order-service/bench';
import { createUnitOfWork as productUnitOfWork, reserveStock } from '@ecom/product-service/bench';
import { ROOT } from './local-system';
import { runCommand } from './processes';

export interface Throughput {
  readonly perSecond: number;
  readonly operations: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

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
  const deps: SyncPlacementDependencies = {
    unitOfWork: orderUnitOfWork(orderDb),
    intents: new PlacementIntentRepository(orderDb), // the durable intent is part of a sync order's work
    stock: {
      reserve: async (orderId, items) => (await reserveStock(reservations, orderId, items)).reservation,
      release: async () => ({ items: [] }),
      // In-process: a failed reservation rolled back with its transaction, nothing to undo.
      mayHaveReserved: () => false,
    },
  };
  try {
    return await closedLoop(concurrency, seconds, async () => {
      const items = [{ product_id: productIds[Math.floor(Math.random() * productIds.length)]!, quantity: 1 }];
      await placeSyncOrder(deps, { user_id: 1, items });
    });
  } finally {
    await Promise.all([productDb.destroy(), orderDb.destroy()]);
  }
}

async function closedLoop(concurrency: number, seconds: number, operation: () => Promise<void>): Promise<Throughput> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const at = performance.now();
        await operation();
        latencies.push(performance.now() - at);
      }
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
  return {
    perSecond: Math.round(latencies.length / elapsed),
    operations: latencies.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
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
