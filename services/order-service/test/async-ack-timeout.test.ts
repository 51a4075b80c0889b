import { eventually } from '@ecom/service-kit/testing';
import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/**
 * An async request that Kafka does not acknowledge in time is answered 503; its message may still
 * reach the topic afterwards (it was on the wire), and then the worker must not place it. Provoked
 * with the real broker by an acknowledgement deadline (KAFKA_ACK_TIMEOUT_MS) shorter than a produce
 * round trip, so that messages are written after their clients were told 503.
 */
describe('async acceptance past its acknowledgement deadline (real MySQL and Kafka)', () => {
  let sut: OrderSystemUnderTest;

  beforeAll(async () => {
    sut = await startOrderSystem({ env: { KAFKA_ACK_TIMEOUT_MS: '1', INTENT_SWEEP_INTERVAL_MS: '200' } });
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  it('when requests are answered 503 for want of an acknowledgement, then none of them is ever placed and no stock moves for them', async () => {
    const productId = await sut.createProduct(1_000);
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        sut.api
          .post('/orders/async')
          .send({ user_id: 700_000 + index, items: [{ product_id: productId, quantity: 1 }] }),
      ),
    );
    const refused = responses.filter((response) => response.status === 503);
    const accepted = responses.filter((response) => response.status === 202);
    const refusedUsers = responses.flatMap((response, index) => (response.status === 503 ? [700_000 + index] : []));
    expect(refused.length + accepted.length).toBe(40);
    expect(refused.length).toBeGreaterThan(0); // the fault was provoked
    refused.forEach((response) => expect(response.headers['retry-after']).toBeDefined());

    // Let the worker drain whatever reached the topic, then look.
    await sut.waitForWorkerToDrain();
    const onTopic = (await sut.admin.fetchTopicOffsets(sut.topics.requests)).reduce(
      (sum, p) => sum + Number(p.high),
      0,
    );
    expect(onTopic).toBeGreaterThan(accepted.length); // requests answered 503 reached the topic all the same
    const orders = await sut.db('orders').whereBetween('user_id', [700_000, 700_039]).select('user_id', 'status');
    const statusOf = new Map(orders.map((row) => [Number(row.user_id), String(row.status)]));
    const placedAfter503 = refusedUsers.filter((userId) => statusOf.get(userId) === 'pending');
    expect(placedAfter503).toEqual([]);
    for (const response of accepted) expect((await sut.awaitOrder(response.body.id))['status']).toBe('pending');
    // A unit the worker reserved for a withdrawn order in the race is owed back: the sweeper returns it.
    await eventually(async () => ((await sut.stockOf(productId)) === 1_000 - accepted.length ? true : undefined));
    // The sweeper deletes an owed release once the product service confirmed it: just after the stock is back.
    const intentsLeft = async () => Number((await sut.db('placement_intents').count({ n: '*' }).first())?.['n']);
    await eventually(async () => ((await intentsLeft()) === 0 ? true : undefined));
  });
});
