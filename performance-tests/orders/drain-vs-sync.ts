/**
 * Benchmark: the order worker's drain rate against the sync endpoint's throughput and the async
 * endpoint's acceptance, same machine, same run. Starts the real product service and order service
 * in this process (real MySQL and Kafka, throw-away databases and topics), then:
 *   1. sync:   SYNC_ORDERS × POST /orders at CONCURRENCY (closed loop) → orders/s, p50/p99;
 *   2. for each worker setting (chunk size × partitions consumed concurrently):
 *      accept: ASYNC_ORDERS × POST /orders/async with no worker running → accepted/s;
 *      drain:  starts a worker with that setting and times the backlog's placement → orders/s,
 *              from its start (consumer group join included) and from the first order placed to
 *              the last (the placing rate alone); then stops it.
 * Orders spread over PRODUCTS products with ample stock, one line each.
 *
 *   npm run perf:drain      (SYNC_ORDERS=2000 ASYNC_ORDERS=4000 CONCURRENCY=32 PRODUCTS=200; the
 *                            worker's configured defaults)
 *   SYNC_ORDERS=0 SWEEP_CHUNK_SIZES=16,32,64,128 SWEEP_PARTITIONS=1,2,4,6 npm run perf:drain
 *                           (the sweep; also SWEEP_IN_FLIGHT=10 for PRODUCT_SERVICE_MAX_IN_FLIGHT)
 */
import { loadavg } from 'node:os';
import { eventually } from '@ecom/service-kit/testing';
import { startOrderSystem, type OrderSystemUnderTest } from '@ecom/order-service/testing';
import { startWorker } from '@ecom/order-service/worker';

const SYNC_ORDERS = Number(process.env['SYNC_ORDERS'] ?? 2_000);
const ASYNC_ORDERS = Number(process.env['ASYNC_ORDERS'] ?? 4_000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 32);
const PRODUCTS = Number(process.env['PRODUCTS'] ?? 200);

/** A list knob: absent means "the worker's configured default" (one value, undefined). */
function listOf(name: string): (string | undefined)[] {
  const value = process.env[name];
  return value ? value.split(',').map((entry) => entry.trim()) : [undefined];
}

interface WorkerSetting {
  readonly ORDER_WORKER_CHUNK_SIZE?: string;
  readonly ORDER_WORKER_PARTITIONS_CONCURRENTLY?: string;
  readonly PRODUCT_SERVICE_MAX_IN_FLIGHT?: string;
}

function settings(): WorkerSetting[] {
  const inFlight = process.env['SWEEP_IN_FLIGHT'];
  return listOf('SWEEP_CHUNK_SIZES').flatMap((chunk) =>
    listOf('SWEEP_PARTITIONS').map((partitions) => ({
      ...(chunk && { ORDER_WORKER_CHUNK_SIZE: chunk }),
      ...(partitions && { ORDER_WORKER_PARTITIONS_CONCURRENTLY: partitions }),
      ...(inFlight && { PRODUCT_SERVICE_MAX_IN_FLIGHT: inFlight }),
    })),
  );
}

async function drive(total: number, send: (index: number) => Promise<number>) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const index = next++;
        const sentAt = performance.now();
        const status = await send(index);
        latencies.push(performance.now() - sentAt);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => +latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!.toFixed(1);
  return {
    per_s: Math.round(total / seconds),
    seconds: +seconds.toFixed(1),
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    statuses: Object.fromEntries(statuses),
  };
}

/** Accepts a backlog with no worker running, then drains it with a worker of `setting`. */
async function acceptAndDrain(sut: OrderSystemUnderTest, body: (index: number) => object, setting: WorkerSetting) {
  const ids: string[] = [];
  const accept = await drive(ASYNC_ORDERS, async (index) => {
    const response = await sut.api.post('/orders/async').send(body(index));
    if (response.status === 202) ids.push(response.body.id);
    return response.status;
  });
  const asyncOrders = async () =>
    Number((await sut.db('orders').where({ mode: 'async' }).count({ n: '*' }).first())?.['n']);
  const before = await asyncOrders();
  const startedAt = performance.now();
  const worker = await startWorker({ ...sut.env, ...setting, LOG_LEVEL: 'silent' });
  try {
    await eventually(async () => ((await asyncOrders()) - before >= ids.length ? true : undefined), 600_000);
  } finally {
    await worker.stop();
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const span = await sut
    .db('orders')
    .whereIn('id', ids)
    .select(sut.db.raw('TIMESTAMPDIFF(MICROSECOND, MIN(created_at), MAX(created_at)) / 1e6 AS s'))
    .first();
  const placingSeconds = Number(span?.['s']);
  const drain = {
    orders: ids.length,
    seconds: +seconds.toFixed(1),
    per_s: Math.round(ids.length / seconds),
    placing_per_s: Math.round(ids.length / placingSeconds),
  };
  return { setting, accept, drain };
}

type Round = Awaited<ReturnType<typeof acceptAndDrain>>;

function printTable(rounds: readonly Round[]): void {
  const header = ['chunk', 'partitions', 'in_flight', 'accept/s', 'drain/s', 'placing/s', 'drain÷acc', 'placing÷acc'];
  const cell = (value: unknown) => String(value ?? 'default').padStart(12);
  console.log(header.map(cell).join(''));
  for (const { setting, accept, drain } of rounds) {
    const row = [
      setting.ORDER_WORKER_CHUNK_SIZE,
      setting.ORDER_WORKER_PARTITIONS_CONCURRENTLY,
      setting.PRODUCT_SERVICE_MAX_IN_FLIGHT,
      accept.per_s,
      drain.per_s,
      drain.placing_per_s,
      (drain.per_s / accept.per_s).toFixed(2),
      (drain.placing_per_s / accept.per_s).toFixed(2),
    ];
    console.log(row.map(cell).join(''));
  }
}

async function main(): Promise<void> {
  const sut = await startOrderSystem({ worker: false, env: { LOG_LEVEL: 'silent' } });
  try {
    const products: number[] = [];
    for (let index = 0; index < PRODUCTS; index += 1) products.push(await sut.createProduct(1_000_000, '3.00'));
    const body = (index: number) => ({
      user_id: index + 1,
      items: [{ product_id: products[index % PRODUCTS]!, quantity: 1 }],
    });

    const sync =
      SYNC_ORDERS > 0
        ? await drive(SYNC_ORDERS, async (index) => (await sut.api.post('/orders').send(body(index))).status)
        : undefined;
    const rounds: Round[] = [];
    for (const setting of settings()) rounds.push(await acceptAndDrain(sut, body, setting));

    const load = loadavg().map((value) => +value.toFixed(2));
    console.log(JSON.stringify({ concurrency: CONCURRENCY, products: PRODUCTS, load, sync, rounds }, null, 2));
    if (sync) console.log(`drain ÷ sync: ${rounds.map((round) => (round.drain.per_s / sync.per_s).toFixed(2))}`);
    printTable(rounds);
  } finally {
    await sut.tearDown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
