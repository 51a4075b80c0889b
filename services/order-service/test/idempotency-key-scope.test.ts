import { migrateToLatest } from '@ecom/service-kit/db';
import { createTestDatabase, type TestDatabase } from '@ecom/service-kit/testing';
import { migrations } from '../src/data/migrations';
import { newOrderId } from '../src/domain/order-id';
import { keyOfUser } from '../src/http/idempotent-request';

const SCOPING = '007_scope_idempotency_keys_per_user';

/** Migration 007 on a real MySQL database holding keys stored before keys were the user's. */
describe('migration 007: idempotency keys scoped per user (real MySQL)', () => {
  let testDb: TestDatabase;
  const now = new Date();
  const placedId = newOrderId();

  beforeAll(async () => {
    testDb = await createTestDatabase('order');
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < SCOPING));
    await migrateToLatest(testDb.db, before);
    await testDb.db('orders').insert({
      id: placedId,
      user_id: 31,
      status: 'pending',
      mode: 'sync',
      total_amount: '2.00',
      accepted_at: now,
      created_at: now,
      updated_at: now,
    });
    const key = (idempotency_key: string, order_id: string) => ({
      idempotency_key,
      fingerprint: 'f'.repeat(64),
      state: 'completed',
      order_id,
      response_status: 201,
      response_body: '{}',
      created_at: now,
      expires_at: new Date(now.getTime() + 60_000),
    });
    await testDb.db('idempotency_keys').insert([key('placed-before', placedId), key('refused-before', newOrderId())]);
  });

  afterAll(async () => {
    await testDb.drop();
  });

  const keys = async () =>
    (await testDb.db('idempotency_keys').orderBy('idempotency_key').pluck('idempotency_key')) as string[];

  it("when it runs, then a key whose order exists takes its user's prefix, and the others stay as they were", async () => {
    expect(await migrateToLatest(testDb.db, migrations)).toEqual([SCOPING]);

    expect(await keys()).toEqual([keyOfUser(31, 'placed-before'), 'refused-before']);
  });

  it('when a user id of 16 digits scopes a key of 128 characters, then the column holds it', async () => {
    const longest = keyOfUser(Number.MAX_SAFE_INTEGER, 'k'.repeat(128));
    const row = { idempotency_key: longest, fingerprint: 'f'.repeat(64), state: 'in_flight', created_at: now };

    await testDb.db('idempotency_keys').insert({ ...row, expires_at: now });

    expect(await keys()).toContain(longest);
  });

  it('when it is rolled back, then the scoped keys are forgotten and the unscoped ones kept', async () => {
    await migrations[SCOPING]!.down(testDb.db);

    expect(await keys()).toEqual(['refused-before']);
  });
});
