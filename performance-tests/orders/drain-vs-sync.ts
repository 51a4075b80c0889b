/**
 * Benchmark: the order worker's drain rate against the sync endpoint's throughput, same machine,
 * same run. Starts the real product service, order service and worker in this process (real
 * MySQL and Kafka, throw-away databases and topics), then:
 *   1. sync:   SYNC_ORDERS × POST /orders at CONCURRENCY (closed loop) → orders/s, p50/p99;
 *   2. accept: ASYNC_ORDERS × POST /orders/async with the worker stopped → accepted/s;
 *   3. drain:  starts the worker and times how long the backlog takes to be placed → orders/s.
 * Orders spread over PRODUCTS products with ample stock, so row locks are not the limit.
 *
 *   npm run perf:drain      (SYNC_ORDERS=2000 ASYNC_ORDERS=4000 CONCURRENCY=32 PRODUCTS=200)
 */
import { eventually } from '@ecom/service-kit/testing';
import { startOrderSystem } from '@ecom/order-service/testing';

const SYNC_ORDERS = Number(process.env['SYNC_ORDERS'] ?? 2_000);
const ASYNC_ORDERS = Number(process.env['ASYNC_ORDERS'] ?? 4_000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 32);
const PRODUCTS = Number(process.env['PRODUCTS'] ?? 200);

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

async function main(): Promise<void> {
  const sut = await startOrderSystem({ worker: false, env: { LOG_LEVEL: 'silent' } });
  try {
    const products: number[] = [];
    for (let index = 0; index < PRODUCTS; index += 1) products.push(await sut.createProduct(1_000_000, '3.00'));
    const body = (index: number) => ({
      user_id: index + 1,
      items: [{ product_id: products[index % PRODUCTS]!, quantity: 1 }],
    });

    const sync = await drive(SYNC_ORDERS, async (index) => (await sut.api.post('/orders').send(body(index))).status);
    const ids: string[] = [];
    const accept = await drive(ASYNC_ORDERS, async (index) => {
      const response = await sut.api.post('/orders/async').send(body(index));
      if (response.status === 202) ids.push(response.body.id);
      return response.status;
    });

    const placed = async () =>
      Number((await sut.db('orders').where({ mode: 'async' }).count({ n: '*' }).first())?.['n']);
    const startedAt = performance.now();
    await sut.startWorker();
    await eventually(async () => ((await placed()) >= ids.length ? true : undefined), 600_000);
    const drainSeconds = (performance.now() - startedAt) / 1000;
    const drain = {
      orders: ids.length,
      seconds: +drainSeconds.toFixed(1),
      per_s: Math.round(ids.length / drainSeconds),
    };

    console.log(
      JSON.stringify(
        {
          concurrency: CONCURRENCY,
          products: PRODUCTS,
          sync,
          accept,
          drain,
          drain_vs_sync: +(drain.per_s / sync.per_s).toFixed(2),
        },
        null,
        2,
      ),
    );
  } finally {
    await sut.tearDown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
