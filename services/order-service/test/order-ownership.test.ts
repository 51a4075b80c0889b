import { newOrderIdFor } from '../src/domain/order-id';
import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/** The identity headers the gateway forwards once it has verified a token. */
const customer = (userId: number) => ({ 'x-auth-user-id': String(userId), 'x-auth-role': 'customer' });
const admin = (userId = 1) => ({ 'x-auth-user-id': String(userId), 'x-auth-role': 'admin' });

describe('who may do what with orders: the identity the gateway forwards (real MySQL, Kafka and product service)', () => {
  let sut: OrderSystemUnderTest;
  let productId: number;

  beforeAll(async () => {
    sut = await startOrderSystem();
    productId = await sut.createProduct(1_000, '2.00');
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  const items = (quantity = 1) => [{ product_id: productId, quantity }];
  const count = async (table: string) => Number((await sut.db(table).count({ n: '*' }).first())?.['n']);
  /** Messages ever written to the order-requests topic. */
  const queuedRequests = async () =>
    (await sut.admin.fetchTopicOffsets(sut.topics.requests)).reduce((sum, { high }) => sum + Number(high), 0);
  /** What a refused request must leave untouched: orders, keys, stock and the queue. */
  const snapshot = async () => ({
    orders: await count('orders'),
    keys: await count('idempotency_keys'),
    stock: await sut.stockOf(productId),
    queued: await queuedRequests(),
  });
  const placeFor = async (userId: number) =>
    (await sut.api.post('/orders').set(admin()).send({ user_id: userId, items: items() }).expect(201)).body as {
      id: string;
    };

  describe('placing orders', () => {
    it('when a customer leaves user_id out, then the order is its own, sync and async (the queued request carries it)', async () => {
      const sync = await sut.api.post('/orders').set(customer(701)).send({ items: items() });
      const async = await sut.api.post('/orders/async').set(customer(701)).send({ items: items() });

      expect(sync.status).toBe(201);
      expect(sync.body.user_id).toBe(701);
      expect(async.status).toBe(202);
      expect(await sut.awaitOrder(async.body.id)).toMatchObject({ user_id: 701, status: 'pending' });
    });

    it('when a customer names itself in user_id, then the order is placed as before', async () => {
      const response = await sut.api.post('/orders').set(customer(702)).send({ user_id: 702, items: items() });

      expect(response.status).toBe(201);
      expect(response.body.user_id).toBe(702);
    });

    it('when a customer names another user in user_id, then both endpoints answer 403 forbidden and nothing is written', async () => {
      const before = await snapshot();
      for (const path of ['/orders', '/orders/async']) {
        const response = await sut.api
          .post(path)
          .set(customer(703))
          .set('Idempotency-Key', `other-user-${path}`)
          .send({ user_id: 704, items: items() });

        expect(response.status).toBe(403);
        expect(response.body.error).toEqual({
          code: 'forbidden',
          message: expect.any(String),
          details: [expect.objectContaining({ field: 'user_id' })],
          request_id: expect.any(String),
        });
      }
      expect(await snapshot()).toEqual(before);
    });

    it('when an admin names any user, or none, then the order is for that user, or the admin itself', async () => {
      const forOther = await sut.api.post('/orders/async').set(admin(9)).send({ user_id: 705, items: items() });
      const forItself = await sut.api.post('/orders').set(admin(9)).send({ items: items() });

      expect(forOther.status).toBe(202);
      expect(await sut.awaitOrder(forOther.body.id)).toMatchObject({ user_id: 705 });
      expect(forItself.status).toBe(201);
      expect(forItself.body.user_id).toBe(9);
    });

    it('when a caller with no identity (inside the trusted network) leaves user_id out, then 400 names user_id as before', async () => {
      const response = await sut.api.post('/orders').send({ items: items() });

      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([expect.objectContaining({ field: 'user_id' })]);
    });
  });

  describe('Idempotency-Key with identities', () => {
    it('when a customer retries with its key and without user_id, then the first answer comes back and one order exists', async () => {
      const first = await sut.api
        .post('/orders')
        .set(customer(710))
        .set('Idempotency-Key', 'mine')
        .send({ items: items() });
      const retry = await sut.api
        .post('/orders')
        .set(customer(710))
        .set('Idempotency-Key', 'mine')
        .send({ items: items() });

      expect(first.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(Number((await sut.db('orders').where({ user_id: 710 }).count({ n: '*' }).first())?.['n'])).toBe(1);
    });

    it('when two users send the same key, then each gets its own order, sync and async', async () => {
      for (const path of ['/orders', '/orders/async']) {
        const key = `cart-123${path}`;
        const first = await sut.api.post(path).set(customer(711)).set('Idempotency-Key', key).send({ items: items() });
        const other = await sut.api.post(path).set(customer(712)).set('Idempotency-Key', key).send({ items: items() });
        const firstAgain = await sut.api
          .post(path)
          .set(customer(711))
          .set('Idempotency-Key', key)
          .send({ items: items() });

        expect([first.status, other.status]).toEqual(path === '/orders' ? [201, 201] : [202, 202]);
        expect(other.body.id).not.toBe(first.body.id);
        expect(firstAgain.body).toEqual(first.body);
        expect(await sut.awaitOrder(first.body.id)).toMatchObject({ user_id: 711 });
        expect(await sut.awaitOrder(other.body.id)).toMatchObject({ user_id: 712 });
      }
    });

    it("when a user's key was used by another user first, then its own request is placed, not refused (no 409, no 422)", async () => {
      await sut.api
        .post('/orders')
        .set(customer(714))
        .set('Idempotency-Key', 'taken-first')
        .send({ items: items(2) });

      const response = await sut.api
        .post('/orders')
        .set(customer(715))
        .set('Idempotency-Key', 'taken-first')
        .send({ items: items() });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ user_id: 715 });
    });

    it('when the same user reuses its key with another body, then 422 as before', async () => {
      await sut.api.post('/orders').set(customer(716)).set('Idempotency-Key', 'reused').send({ items: items() });
      const before = await snapshot();

      const response = await sut.api
        .post('/orders')
        .set(customer(716))
        .set('Idempotency-Key', 'reused')
        .send({ items: items(2) });

      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('idempotency_key_reused');
      expect(await snapshot()).toEqual(before);
    });

    it("when an admin repeats a customer's request with its key and the customer's user_id, then it is the same request", async () => {
      const first = await sut.api
        .post('/orders')
        .set(customer(713))
        .set('Idempotency-Key', 'same')
        .send({ items: items() });
      const byAdmin = await sut.api
        .post('/orders')
        .set(admin())
        .set('Idempotency-Key', 'same')
        .send({ user_id: 713, items: items() });

      expect(byAdmin.status).toBe(201);
      expect(byAdmin.body).toEqual(first.body);
    });
  });

  describe('reading orders', () => {
    it('when a customer lists without user_id, then only its own orders come back', async () => {
      const own = await sut.api.post('/orders').set(customer(720)).send({ items: items() }).expect(201);
      await placeFor(721);

      const response = await sut.api.get('/orders').set(customer(720));

      expect(response.status).toBe(200);
      expect(response.body.items.map((order: { id: string }) => order.id)).toEqual([own.body.id]);
      expect((await sut.api.get('/orders?user_id=720').set(customer(720))).body.items).toHaveLength(1);
    });

    it("when a customer lists another user's orders, then 403 forbidden", async () => {
      const response = await sut.api.get('/orders?user_id=721').set(customer(720));

      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ code: 'forbidden', details: [{ field: 'user_id' }] });
    });

    it("when a customer reads another user's order, then 404 not_found as for an order that is not there", async () => {
      const others = await placeFor(722);

      const response = await sut.api.get(`/orders/${others.id}`).set(customer(723));

      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({ code: 'not_found', details: [] });
      expect(JSON.stringify(response.body)).not.toContain('722');
      expect((await sut.api.get(`/orders/${others.id}`).set(customer(722))).status).toBe(200);
    });

    it("when a customer polls another user's async order still in the queue, then 404 as for a placed one; its owner and an admin get 202", async () => {
      // An id as POST /orders/async mints it for user 725, not in the database yet: still queued.
      const queuedId = newOrderIdFor(725);

      const byOther = await sut.api.get(`/orders/${queuedId}`).set(customer(726));
      const byOwner = await sut.api.get(`/orders/${queuedId}`).set(customer(725));
      const byAdmin = await sut.api.get(`/orders/${queuedId}`).set(admin());

      expect(byOther.status).toBe(404);
      expect(byOther.body.error).toMatchObject({ code: 'not_found', details: [] });
      expect(byOther.headers['retry-after']).toBeUndefined();
      expect([byOwner.status, byOwner.body]).toEqual([202, { id: queuedId, status: 'processing' }]);
      expect(byAdmin.status).toBe(202);
    });

    it("when a customer polls another user's async order right after it was accepted, then 404 whether it is queued or placed", async () => {
      const accepted = await sut.api.post('/orders/async').set(customer(727)).send({ items: items() }).expect(202);

      const byOther = await sut.api.get(`/orders/${accepted.body.id}`).set(customer(728));
      const byOwner = await sut.api.get(`/orders/${accepted.body.id}`).set(customer(727));

      expect(byOther.status).toBe(404);
      expect([200, 202]).toContain(byOwner.status);
      expect(await sut.awaitOrder(accepted.body.id)).toMatchObject({ user_id: 727 });
      expect((await sut.api.get(`/orders/${accepted.body.id}`).set(customer(728))).status).toBe(404);
    });

    it("when an admin lists and reads any user's orders, then it sees them", async () => {
      const order = await placeFor(724);

      expect((await sut.api.get('/orders?user_id=724').set(admin())).body.items).toHaveLength(1);
      expect((await sut.api.get(`/orders/${order.id}`).set(admin())).body.user_id).toBe(724);
    });
  });

  describe('changing status', () => {
    it('when a customer cancels its own order, then it is cancelled and the stock comes back', async () => {
      const order = await sut.api
        .post('/orders')
        .set(customer(730))
        .send({ items: items(3) })
        .expect(201);
      const stockBefore = await sut.stockOf(productId);

      const response = await sut.api
        .put(`/orders/${order.body.id}/status`)
        .set(customer(730))
        .send({ status: 'cancelled' });

      expect(response.status).toBe(200);
      expect(response.body.status).toBe('cancelled');
      expect(await sut.stockOf(productId)).toBe(stockBefore + 3);
    });

    it("when a customer cancels another's order, then 404 not_found, and the order and its stock stay as they were", async () => {
      const order = await placeFor(731);
      const stockBefore = await sut.stockOf(productId);

      const response = await sut.api.put(`/orders/${order.id}/status`).set(customer(732)).send({ status: 'cancelled' });

      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
      expect(await sut.db('orders').where({ id: order.id }).first()).toMatchObject({ status: 'pending' });
      expect(await sut.stockOf(productId)).toBe(stockBefore);
    });

    it.each(['paid', 'shipped', 'delivered'])(
      'when a customer moves its own order to %s, then 403 forbidden and the order stays pending',
      async (status) => {
        const order = await sut.api.post('/orders').set(customer(733)).send({ items: items() }).expect(201);

        const response = await sut.api.put(`/orders/${order.body.id}/status`).set(customer(733)).send({ status });

        expect(response.status).toBe(403);
        expect(response.body.error).toMatchObject({ code: 'forbidden', details: [{ field: 'status' }] });
        expect(await sut.db('orders').where({ id: order.body.id }).first()).toMatchObject({ status: 'pending' });
      },
    );

    it("when an admin moves any user's order along, then each step is accepted", async () => {
      const order = await placeFor(734);

      for (const status of ['paid', 'shipped', 'delivered']) {
        const response = await sut.api.put(`/orders/${order.id}/status`).set(admin()).send({ status });
        expect(response.status).toBe(200);
      }
    });
  });

  describe('a broken identity', () => {
    it.each([
      ['an unknown role', { 'x-auth-user-id': '740', 'x-auth-role': 'root' }, 'x-auth-role'],
      ['a user id that is not a number', { 'x-auth-user-id': '74O', 'x-auth-role': 'customer' }, 'x-auth-user-id'],
      ['a user id of 0', { 'x-auth-user-id': '0', 'x-auth-role': 'admin' }, 'x-auth-user-id'],
      ['a user id beyond 2^53', { 'x-auth-user-id': '9007199254740993', 'x-auth-role': 'admin' }, 'x-auth-user-id'],
      ['a role without a user id', { 'x-auth-role': 'admin' }, 'x-auth-user-id'],
      ['a user id without a role', { 'x-auth-user-id': '740' }, 'x-auth-role'],
    ])(
      'when the forwarded identity has %s, then every route answers 401 unauthorized and nothing is written',
      async (_case, headers, field) => {
        const before = await snapshot();
        const responses = [
          await sut.api.post('/orders').set(headers).send({ user_id: 740, items: items() }),
          await sut.api.post('/orders/async').set(headers).send({ user_id: 740, items: items() }),
          await sut.api.get('/orders?user_id=740').set(headers),
        ];

        for (const response of responses) {
          expect(response.status).toBe(401);
          expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
          expect(response.body.error).toMatchObject({ code: 'unauthorized', details: [{ field }] });
        }
        expect(await snapshot()).toEqual(before);
      },
    );
  });
});
