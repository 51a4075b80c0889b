import { testKafka } from '@ecom/service-kit/testing';
import { newOrderId } from '../src/domain/order-id';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startOrderSystem, type OrderSystemUnderTest } from './support/order-system.harness';

/**
 * How the worker moves through a backlog: at most PRODUCT_SERVICE_MAX_IN_FLIGHT reservation calls
 * at once whatever its fan-out (ORDER_WORKER_PARTITIONS_CONCURRENTLY × batch calls per chunk), and
 * offsets committed after every chunk rather than once per fetched batch (a crash replays one
 * chunk, not a fetch).
 * The product service's answers are slowed by a proxy so that both are visible.
 */
describe('the worker through a backlog (real MySQL, Kafka and product service)', () => {
  let sut: OrderSystemUnderTest;
  let proxy: FaultProxy;
  let productId: number;

  beforeAll(async () => {
    proxy = await startFaultProxy();
    sut = await startOrderSystem({
      worker: false,
      proxy,
      env: {
        PRODUCT_SERVICE_MAX_IN_FLIGHT: '4',
        ORDER_WORKER_CHUNK_SIZE: '8',
        ORDER_WORKER_PARTITIONS_CONCURRENTLY: '6',
      },
    });
    productId = await sut.createProduct(10_000);
  });

  afterAll(async () => {
    await sut.tearDown();
    await proxy.close();
  });

  async function enqueue(count: number, partitions: readonly number[]): Promise<void> {
    const producer = testKafka().producer();
    await producer.connect();
    const messages = Array.from({ length: count }, (_, index) => {
      const orderId = newOrderId();
      const body = { user_id: 900 + index, items: [{ product_id: productId, quantity: 1 }] };
      const value = JSON.stringify({ ...body, order_id: orderId, accepted_at: new Date().toISOString() });
      return { key: orderId, partition: partitions[index % partitions.length]!, value };
    });
    await producer.send({ topic: sut.topics.requests, messages });
    await producer.disconnect();
  }

  const committedOn = async (partition: number) => {
    const [offsets] = await sut.admin.fetchOffsets({
      groupId: sut.env['ORDER_WORKER_GROUP']!,
      topics: [sut.topics.requests],
    });
    return Number(offsets?.partitions.find((entry) => entry.partition === partition)?.offset ?? -1);
  };

  it('when a backlog on every partition is drained, then no more reservation calls than PRODUCT_SERVICE_MAX_IN_FLIGHT are in flight at once', async () => {
    await enqueue(240, [0, 1, 2, 3, 4, 5]);
    proxy.delayMs = 20;
    proxy.maxInFlight = 0;

    await sut.startWorker();
    await sut.waitForWorkerToDrain(60_000);
    await sut.stopWorker();

    expect(proxy.maxInFlight).toBeGreaterThan(1);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(4);
  }, 90_000);

  it('when one fetched batch is placed chunk by chunk, then its offsets are committed as it goes, not at its end', async () => {
    await enqueue(80, [0]);
    proxy.delayMs = 100;
    const start = await committedOn(0);

    await sut.startWorker();
    const seen: number[] = [];
    while (seen.length === 0 || seen[seen.length - 1]! < start + 80) {
      seen.push(await committedOn(0));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // 80 messages in chunks of 8, each chunk one batch call of about 100 ms: commits in between.
    expect(seen.filter((offset) => offset > start && offset < start + 80).length).toBeGreaterThan(0);
  }, 90_000);
});
