import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createDatabase } from '@ecom/service-kit/db';
import { serviceDatabaseAccount } from '@ecom/service-kit/testing';
import { createUnitOfWork } from '../src/data/unit-of-work';
import { reserveStock, reserveStocks } from '../src/domain/reserve-stock.use-case';
import { demoProduct, startProductService, type ProductServiceUnderTest } from './support/product-service.harness';

const COUNTERS = ['Com_begin', 'Com_commit', 'Com_rollback', 'Com_select', 'Com_insert', 'Com_update', 'Com_delete'];

/** The statements `work` sends, from the server's own counters (one connection, so the session's). */
async function statementsOf(db: Knex, work: () => Promise<unknown>): Promise<Record<string, number>> {
  const read = async () => {
    const [rows] = await db.raw('SHOW SESSION STATUS WHERE Variable_name IN (?)', [COUNTERS]);
    return new Map((rows as { Variable_name: string; Value: string }[]).map((row) => [row.Variable_name, +row.Value]));
  };
  const before = await read();
  await work();
  const after = await read();
  return Object.fromEntries(COUNTERS.map((name) => [name, after.get(name)! - before.get(name)!]));
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);

/**
 * What a reservation costs the database, counted by MariaDB (`SHOW SESSION STATUS`, on a pool of
 * one connection): a batch runs as many statements as one order, whatever its size and lines.
 */
describe('statements per reservation (real MySQL)', () => {
  let sut: ProductServiceUnderTest;
  let db: Knex;

  beforeAll(async () => {
    sut = await startProductService();
    const [[{ name }]] = await sut.db.raw('SELECT DATABASE() AS name');
    db = createDatabase({ ...serviceDatabaseAccount('product'), database: name, poolMax: 1 });
  });

  afterAll(async () => {
    await db.destroy();
    await sut.tearDown();
  });

  const createProducts = async (count: number) => {
    const ids: number[] = [];
    for (let index = 0; index < count; index += 1) {
      ids.push(
        (
          await sut.api
            .post('/products')
            .send({ ...demoProduct, stock: 10_000 })
            .expect(201)
        ).body.id,
      );
    }
    return ids;
  };

  it('when one order of 1 or 3 lines is reserved, then its transaction runs the same 6 statements between BEGIN and COMMIT', async () => {
    const products = await createProducts(3);
    const unitOfWork = createUnitOfWork(db);

    const oneLine = await statementsOf(db, () =>
      reserveStock(unitOfWork, randomUUID(), [{ product_id: products[0]!, quantity: 1 }]),
    );
    const threeLines = await statementsOf(db, () =>
      reserveStock(
        unitOfWork,
        randomUUID(),
        products.map((product_id) => ({ product_id, quantity: 1 })),
      ),
    );

    const expected = { Com_begin: 1, Com_commit: 1, Com_rollback: 0, Com_select: 2, Com_insert: 3, Com_update: 1 };
    expect(oneLine).toEqual({ ...expected, Com_delete: 0 });
    expect(threeLines).toEqual(oneLine);
  });

  it('when a batch of 100 orders over 20 products is reserved, then it runs as many statements as one order', async () => {
    const products = await createProducts(20);
    const unitOfWork = createUnitOfWork(db);
    const orders = Array.from({ length: 101 }, (_, index) => ({
      order_id: randomUUID(),
      items: [
        { product_id: products[index % 20]!, quantity: 1 },
        { product_id: products[(index + 7) % 20]!, quantity: 2 },
      ],
    }));

    const one = await statementsOf(db, () => reserveStocks(unitOfWork, orders.slice(0, 1)));
    const hundred = await statementsOf(db, () => reserveStocks(unitOfWork, orders.slice(1)));
    const replayed = await statementsOf(db, () => reserveStocks(unitOfWork, orders));

    expect(total(one)).toBe(8);
    expect(hundred).toEqual(one);
    expect(replayed).toMatchObject({ Com_select: 1, Com_insert: 0, Com_update: 0 }); // all found: nothing to lock or write
  });
});
