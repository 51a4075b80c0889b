/**
 * The row-lock meter: its figures per order, the waiting statements told apart by table, the
 * table's column; and against the real MariaDB, the monitoring account made through mysql.sh and
 * a transaction left waiting for a product row seen as a wait on product rows.
 */
import { createDatabase } from '@ecom/service-kit/db';
import { createTestDatabase, serviceDatabaseAccount, type TestDatabase } from '@ecom/service-kit/testing';
import {
  countWaiting,
  dropLockMonitorAccount,
  lockMonitorAccount,
  rowLocksPerOrder,
  startRowLockMeter,
} from '../scaling/row-locks';
import { scalingCurve } from '../scaling/scaling-curve';
import { tabulatePoints } from '../scaling/scaling-tables';
import { scalingSeriesFixture } from './support/scaling-fixture';

describe('the row-lock meter (real MariaDB)', () => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase('product');
    await testDb.db.schema.createTable('products', (table) => {
      table.bigIncrements('id');
      table.integer('stock').notNullable();
    });
    await testDb.db('products').insert([{ stock: 5 }, { stock: 5 }]);
  });

  afterAll(async () => {
    dropLockMonitorAccount();
    await testDb.drop();
  });

  it('when a reservation waits for a product row another transaction holds, then the meter counts it as a product-row wait', async () => {
    const settings = { ...serviceDatabaseAccount('product'), database: testDb.name, poolMax: 4 };
    const { monitor, why } = lockMonitorAccount(settings);
    expect(why).toBe('');
    const meter = await startRowLockMeter(settings, monitor);
    const other = createDatabase(settings);
    const holder = await testDb.db.transaction();
    try {
      await holder('products').where({ id: 1 }).forUpdate().first();
      const waiter = other.transaction(async (trx) => trx('products').where({ id: 1 }).forUpdate().first());
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await holder.commit();
      await waiter;
    } finally {
      await other.destroy();
    }

    const locks = await meter.read(1);

    // About 1.5 s of one transaction waiting, sampled every 250 ms.
    expect(locks?.samples).toBeGreaterThanOrEqual(4);
    expect(locks?.product_wait_ms_per_order).toBeGreaterThan(600);
    expect(locks?.outbox_wait_ms_per_order).toBe(0);
    expect(locks?.waits_per_order).toBeGreaterThanOrEqual(1);
  }, 20_000);
});

describe('the row-lock waits of a point', () => {
  it("when MariaDB's counters grew and waiting transactions were sampled, then both are given per order completed", () => {
    // 40 samples over 10 s: on average 0.2 reservations waiting for a product row, 1.5 relays for outbox rows.
    const waiting = { samples: 40, products: 8, outbox: 60 };
    expect(rowLocksPerOrder({ waits: 10, ms: 200 }, { waits: 410, ms: 3_200 }, waiting, 10, 2_000)).toEqual({
      waits_per_order: 0.2,
      wait_ms_per_order: 1.5,
      product_wait_ms_per_order: 1,
      outbox_wait_ms_per_order: 7.5,
      samples: 40,
    });
    expect(rowLocksPerOrder({ waits: 0, ms: 0 }, { waits: 5, ms: 5 }, waiting, 10, 0)).toBeNull();
    expect(
      rowLocksPerOrder({ waits: 0, ms: 0 }, { waits: 0, ms: 0 }, { samples: 0, products: 0, outbox: 0 }, 10, 5),
    ).toMatchObject({ product_wait_ms_per_order: null, outbox_wait_ms_per_order: null });
  });

  it('when waiting statements are sorted, then the outbox relay, the stock reservation and anything else are told apart', () => {
    expect(
      countWaiting([
        'select `id`, `event_id` from `outbox_events` where `published_at` is null order by `id` asc limit ? for update',
        'select `id`, `stock`, `price` from `products` where `id` in (4, 14) and `deleted_at` is null order by `id` asc for update',
        'update `products` FORCE INDEX (PRIMARY) set `stock` = stock - CASE id WHEN 1 THEN 2 END where `id` in (1)',
        'delete from `placement_intents` where `order_id` in (?)',
        null,
      ]),
    ).toEqual({ products: 2, outbox: 1 });
  });

  it('when a series sampled them, then its table has a column of product-row wait per order; when none did, none', () => {
    const withLocks = {
      ...scalingSeriesFixture(),
      points: scalingSeriesFixture().points.map((point) => ({
        ...point,
        row_locks: {
          waits_per_order: 0.5,
          wait_ms_per_order: 9,
          product_wait_ms_per_order: 2.25,
          outbox_wait_ms_per_order: 6,
          samples: 40,
        },
      })),
    };
    const table = tabulatePoints(scalingCurve(withLocks));
    const column = table.columns.findIndex((entry) => entry.title === 'product-row lock wait ms/order');
    expect(table.rows.map((row) => row[column])).toEqual(['2.25', '2.25', '2.25', '2.25']);
    expect(tabulatePoints(scalingCurve(scalingSeriesFixture())).columns.map((entry) => entry.title)).not.toContain(
      'product-row lock wait ms/order',
    );
  });
});
