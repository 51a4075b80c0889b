import { IdempotencyRepository } from '../src/data/idempotency.repository';
import { newOrderId } from '../src/domain/order-id';
import { fingerprintOf, keyOfUser } from '../src/http/idempotent-request';
import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/**
 * An Idempotency-Key claimed by a request that never stored its answer (its process died, or the
 * key's completion failed after the order was written) is not stuck: its claim holds a lease
 * (IDEMPOTENCY_LEASE_S, 1 s here), after which a retry takes it over and finds the earlier
 * attempt's order by the id bound to the key.
 */
describe('Idempotency-Key leases (real MySQL and Kafka)', () => {
  let sut: OrderSystemUnderTest;
  let productId: number;
  const leaseMs = 1_000;

  beforeAll(async () => {
    sut = await startOrderSystem({ env: { IDEMPOTENCY_LEASE_S: String(leaseMs / 1000) } });
    productId = await sut.createProduct(1_000);
  });

  afterAll(async () => {
    await sut.db.raw('DROP TRIGGER IF EXISTS idempotency_keys_refuse_completion').catch(() => undefined);
    await sut.tearDown();
  });

  const body = (userId: number) => ({ user_id: userId, items: [{ product_id: productId, quantity: 1 }] });
  const ordersOf = async (userId: number) => sut.db('orders').where({ user_id: userId }).select('id', 'status');
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('when the key cannot be completed after the order committed, then the client still gets 201, and a retry after the lease gets the same order', async () => {
    // Completing a key is an UPDATE; claiming one is an INSERT. Refuse the UPDATE only.
    await sut.db.raw(`CREATE TRIGGER idempotency_keys_refuse_completion BEFORE UPDATE ON idempotency_keys
      FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'completion refused by the test'`);
    let first;
    try {
      first = await sut.api.post('/orders').set('Idempotency-Key', 'lease-completion').send(body(601));
    } finally {
      await sut.db.raw('DROP TRIGGER idempotency_keys_refuse_completion');
    }
    expect(first.status).toBe(201);

    const meanwhile = await sut.api.post('/orders').set('Idempotency-Key', 'lease-completion').send(body(601));
    expect(meanwhile.status).toBe(409); // the lease still holds
    await pause(leaseMs + 200);
    const retry = await sut.api.post('/orders').set('Idempotency-Key', 'lease-completion').send(body(601));

    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(await ordersOf(601)).toEqual([{ id: first.body.id, status: 'pending' }]);
    const again = await sut.api.post('/orders').set('Idempotency-Key', 'lease-completion').send(body(601));
    expect(again.body).toEqual(retry.body); // completed now: the stored answer
  });

  it('when the process died after claiming a sync key and before placing, then a retry after the lease places the order once', async () => {
    // What a process killed between claim and completion leaves: an in-flight claim, no order.
    await new IdempotencyRepository(sut.db).claim({
      key: keyOfUser(602, 'lease-dead-sync'),
      fingerprint: fingerprintOf('POST /orders', body(602)),
      orderId: newOrderId(),
      now: new Date(),
      ttlMs: 60_000,
      leaseMs,
      onTakeover: 'replace',
    });

    const meanwhile = await sut.api.post('/orders').set('Idempotency-Key', 'lease-dead-sync').send(body(602));
    await pause(leaseMs + 200);
    const retry = await sut.api.post('/orders').set('Idempotency-Key', 'lease-dead-sync').send(body(602));

    expect(meanwhile.status).toBe(409);
    expect(retry.status).toBe(201);
    expect(await ordersOf(602)).toEqual([{ id: retry.body.id, status: 'pending' }]);
  });

  it('when the process died after sending an async request and before storing its 202, then a retry after the lease keeps the order id and the order is placed once', async () => {
    const orderId = newOrderId();
    await new IdempotencyRepository(sut.db).claim({
      key: keyOfUser(603, 'lease-dead-async'),
      fingerprint: fingerprintOf('POST /orders/async', body(603)),
      orderId,
      now: new Date(),
      ttlMs: 60_000,
      leaseMs,
      onTakeover: 'keep',
    });
    await pause(leaseMs + 200);

    const retry = await sut.api.post('/orders/async').set('Idempotency-Key', 'lease-dead-async').send(body(603));

    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(orderId);
    expect(await sut.awaitOrder(orderId)).toMatchObject({ id: orderId, status: 'pending' });
    expect(await ordersOf(603)).toEqual([{ id: orderId, status: 'pending' }]);
  });
});
