/**
 * Benchmark: how far behind does the product service's outbox relay fall under a burst of product
 * updates? Starts the real service (in-process, real MySQL and Kafka, a throw-away database and
 * topic), sends BURST PATCH requests at CONCURRENCY, waits until the outbox is drained, and
 * reports commit-to-publish lag percentiles from the outbox table itself. Prints them, and writes
 * them with the command and the machine's load as performance-tests/results/<stamp>-outbox/summary.json
 * for `npm run perf:publish -- <that folder>`.
 *
 *   npm run perf:outbox            (BURST=5000 CONCURRENCY=50 by default)
 */
import { migrateToLatest } from '@ecom/service-kit/db';
import {
  createTestDatabase,
  createTestTopic,
  eventually,
  testKafka,
  testLogger,
  type TestDatabase,
} from '@ecom/service-kit/testing';
import { start } from '@ecom/product-service';
import { migrations } from '@ecom/product-service/bench';
import path from 'node:path';
import { readMachineLoad } from '../runner/machine-load';
import { writeOutboxSummary, type OutboxFigures } from './outbox-summary';

const BURST = Number(process.env['BURST'] ?? 5_000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 50);
const PRODUCTS = 100;
const DB_POOL_MAX = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = await readMachineLoad();
  const testDb = await createTestDatabase('product');
  await migrateToLatest(testDb.db, migrations);
  const admin = testKafka().admin();
  await admin.connect();
  const topic = await createTestTopic(admin, 'outbox-burst', 3);
  const service = await start(
    {
      ...process.env,
      PRODUCT_SERVICE_PORT: '0',
      PRODUCT_DB_NAME: testDb.name,
      PRODUCT_EVENTS_TOPIC: topic,
      PRODUCT_DB_POOL_MAX: String(DB_POOL_MAX),
    },
    { logger: testLogger('product-service') },
  );
  try {
    const figures = await measureBurst(service.url, testDb.db);
    console.log(JSON.stringify(figures, null, 2));
    const run = { startedAt, finishedAt: new Date(), loadBefore, loadAfter: await readMachineLoad() };
    const relative = path.relative(process.cwd(), writeOutboxSummary(figures, run));
    console.log(`wrote ${path.join(relative, 'summary.json')}; publish it with: npm run perf:publish -- ${relative}`);
  } finally {
    await service.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await testDb.drop();
  }
}

/** Creates the products, waits for their events to be published, then sends the burst and times its relay. */
async function measureBurst(url: string, db: TestDatabase['db']): Promise<OutboxFigures> {
  const ids = await createProducts(url);
  await eventually(async () => ((await pending(db)) === 0 ? true : undefined), 60_000);
  const since = new Date();
  const burstStartedAt = performance.now();
  const failed = await sendUpdates(url, ids);
  const committedMs = performance.now() - burstStartedAt;
  await eventually(async () => ((await pending(db)) === 0 ? true : undefined), 120_000);
  const drainedMs = performance.now() - burstStartedAt;
  const lags = await readLags(db, since);
  return {
    settings: { burst: BURST, concurrency: CONCURRENCY, products: PRODUCTS, db_pool_max: DB_POOL_MAX },
    failed_requests: failed,
    events: lags.length,
    updates_per_s: Math.round(BURST / (committedMs / 1000)),
    all_committed_s: +(committedMs / 1000).toFixed(2),
    all_published_s: +(drainedMs / 1000).toFixed(2),
    drain_after_last_commit_ms: Math.round(drainedMs - committedMs),
    lag_ms: {
      p50: percentile(lags, 50),
      p95: percentile(lags, 95),
      p99: percentile(lags, 99),
      max: lags[lags.length - 1] ?? NaN,
    },
  };
}

async function createProducts(url: string): Promise<number[]> {
  const ids: number[] = [];
  for (let index = 0; index < PRODUCTS; index += 1) {
    const response = await fetch(`${url}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Burst ${index}`, price: '1.00', stock: 1000 }),
    });
    ids.push(((await response.json()) as { id: number }).id);
  }
  return ids;
}

/** BURST price updates over the products from CONCURRENCY clients; returns how many failed. */
async function sendUpdates(url: string, ids: readonly number[]): Promise<number> {
  let sent = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < BURST) {
        const index = sent++;
        const response = await fetch(`${url}/products/${ids[index % PRODUCTS]}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ price: `${(index % 900) + 1}.00` }),
        });
        if (response.status !== 200) failed += 1;
        await response.arrayBuffer();
      }
    }),
  );
  return failed;
}

/** published_at − occurred_at of each outbox row written since `since`, sorted. */
async function readLags(db: TestDatabase['db'], since: Date): Promise<number[]> {
  const rows: { lag_ms: number }[] = (
    await db.raw(
      'SELECT TIMESTAMPDIFF(MICROSECOND, occurred_at, published_at) / 1000 AS lag_ms FROM outbox_events WHERE occurred_at >= ?',
      [since],
    )
  )[0];
  return rows.map((row) => Number(row.lag_ms)).sort((a, b) => a - b);
}

async function pending(db: TestDatabase['db']): Promise<number> {
  const row = await db('outbox_events').whereNull('published_at').count({ n: '*' }).first();
  return Number(row?.['n'] ?? 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
