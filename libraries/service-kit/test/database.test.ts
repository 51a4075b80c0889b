import type { Knex } from 'knex';
import {
  createDatabase,
  isDatabaseUnavailable,
  migrateToLatest,
  runStatementBatch,
  type Migration,
} from '@ecom/service-kit/db';
import { createTestDatabase, serviceDatabaseAccount, type TestDatabase } from '@ecom/service-kit/testing';

const migrations: Record<string, Migration> = {
  '001_create_widgets': {
    up: (db) =>
      db.schema.createTable('widgets', (table) => {
        table.bigIncrements('id');
        table.string('name', 100).notNullable();
        table.decimal('price', 12, 2).notNullable();
      }),
    down: (db) => db.schema.dropTable('widgets'),
  },
  '002_add_widget_stock': {
    up: (db) =>
      db.schema.alterTable('widgets', (table) => table.integer('stock').unsigned().notNullable().defaultTo(0)),
    down: (db) => db.schema.alterTable('widgets', (table) => table.dropColumn('stock')),
  },
};

describe('the shared knex factory against the real MySQL', () => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase('product');
  });

  afterAll(async () => {
    await testDb.drop();
  });

  it('when migrations run on a fresh database, then every one is applied and a second run applies none', async () => {
    expect(await migrateToLatest(testDb.db, migrations)).toEqual(['001_create_widgets', '002_add_widget_stock']);
    expect(await migrateToLatest(testDb.db, migrations)).toEqual([]);
    expect(await testDb.db.schema.hasColumn('widgets', 'stock')).toBe(true);
  });

  it('when a DECIMAL is read back, then it is the exact decimal string, not a binary float', async () => {
    await testDb.db('widgets').insert({ name: 'exact', price: '0.10', stock: 1 });
    const row = await testDb.db('widgets').where({ name: 'exact' }).first();
    expect(row.price).toBe('0.10');
    const [{ total }] = (await testDb.db.raw('SELECT price * 3 AS total FROM widgets WHERE name = ?', ['exact']))[0];
    expect(total).toBe('0.30');
  });
});

describe('runStatementBatch: several writes in one round trip', () => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase('product');
    await migrateToLatest(testDb.db, migrations);
  });

  afterAll(async () => {
    await testDb.drop();
  });

  it('when writes are sent together, then each reports its own affected rows and values with quotes and semicolons are stored as given', async () => {
    const name = "it's; DROP TABLE widgets; --";
    const outcomes = await runStatementBatch(testDb.db, [
      testDb
        .db('widgets')
        .insert([
          { name, price: '1.00', stock: 1 },
          { name: 'b', price: '2.00', stock: 2 },
        ])
        .toSQL(),
      testDb.db('widgets').where('stock', '>', 0).update({ stock: 5 }).toSQL(),
      testDb.db('widgets').where({ name: 'nothing' }).delete().toSQL(),
    ]);

    expect(outcomes.map((outcome) => outcome.affectedRows)).toEqual([2, 2, 0]);
    expect(await testDb.db('widgets').where({ name }).first()).toMatchObject({ name, stock: 5 });
  });

  it('when a later write of the batch fails in a transaction, then the earlier ones roll back with it', async () => {
    const before = await testDb.db('widgets').count({ n: '*' }).first();

    const failure = await testDb.db
      .transaction((trx) =>
        runStatementBatch(trx, [
          trx('widgets').insert({ name: 'kept?', price: '1.00', stock: 1 }).toSQL(),
          trx('no_such_table').insert({ id: 1 }).toSQL(),
        ]),
      )
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 'ER_NO_SUCH_TABLE' });
    expect(await testDb.db('widgets').count({ n: '*' }).first()).toEqual(before);
  });
});

describe('database accounts: one user per service, rights on its own database only', () => {
  const connections: Knex[] = [];
  const connect = (service: 'product' | 'order', database: string) => {
    const db = createDatabase({ ...serviceDatabaseAccount(service), database, poolMax: 1 });
    connections.push(db);
    return db;
  };

  afterAll(async () => {
    await Promise.all(connections.map((db) => db.destroy()));
  });

  it('when each service user opens its own database, then it is allowed', async () => {
    await expect(connect('product', 'product_db').raw('SELECT 1')).resolves.toBeDefined();
    await expect(connect('order', 'order_db').raw('SELECT 1')).resolves.toBeDefined();
  });

  it('when the product service user opens the order database, then access is denied', async () => {
    await expect(connect('product', 'order_db').raw('SELECT 1')).rejects.toMatchObject({
      code: 'ER_DBACCESS_DENIED_ERROR',
    });
  });

  it('when the order service user opens the product database, then access is denied', async () => {
    await expect(connect('order', 'product_db').raw('SELECT 1')).rejects.toMatchObject({
      code: 'ER_DBACCESS_DENIED_ERROR',
    });
  });

  it('when a service user tries to create a database outside its own names, then it is refused', async () => {
    await expect(connect('product', 'product_db').raw('CREATE DATABASE order_db_test_intruder')).rejects.toMatchObject({
      code: 'ER_DBACCESS_DENIED_ERROR',
    });
  });

  it('when the database server is unreachable, then the failure is classified as unavailable within seconds', async () => {
    const unreachable = createDatabase({
      ...serviceDatabaseAccount('product'),
      port: 1,
      database: 'product_db',
      poolMax: 1,
    });
    connections.push(unreachable);
    const startedAt = Date.now();
    const error = await unreachable.raw('SELECT 1').then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });
});
