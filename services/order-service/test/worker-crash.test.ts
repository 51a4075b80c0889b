import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually } from '@ecom/service-kit/testing';
import { findStockImbalances } from '@ecom/product-service/testing';
import {
  pendingUnits,
  reservedUnits,
  startOrderSystem,
  type OrderSystemUnderTest,
} from './support/order-system.harness';

const BACKLOG = 2_000;

/** The compiled worker (what production runs) as a real process, so it can be SIGKILLed. */
function spawnWorker(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [path.join(__dirname, '../dist/worker.js')], {
    env: { ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('the worker killed with SIGKILL while it holds a backlog', () => {
  let sut: OrderSystemUnderTest;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    sut = await startOrderSystem({ worker: false });
  });

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await sut.tearDown();
  });

  const placedCount = async (ids: readonly string[]) =>
    Number((await sut.db('orders').whereIn('id', ids).count({ n: '*' }).first())?.['n']);

  it('when it is killed and started again, then every accepted order exists exactly once and stock is conserved', async () => {
    const products = await Promise.all([sut.createProduct(100_000, '1.00'), sut.createProduct(1_500, '2.00')]);
    const ids: string[] = [];
    for (let batch = 0; batch < BACKLOG / 100; batch += 1) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, index) =>
          sut.api
            .post('/orders/async')
            .send({ user_id: batch * 100 + index + 1, items: [{ product_id: products[index % 2]!, quantity: 1 }] }),
        ),
      );
      responses.forEach((response) => expect(response.status).toBe(202));
      ids.push(...responses.map((response) => response.body.id as string));
    }

    worker = spawnWorker(sut.env);
    await eventually(async () => ((await placedCount(ids)) >= 300 ? true : undefined), 60_000);
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker!.once('exit', resolve));
    const atKill = await placedCount(ids);

    const restartedAt = Date.now();
    worker = spawnWorker(sut.env);
    await eventually(async () => ((await placedCount(ids)) > atKill ? true : undefined), 60_000);
    const resumedAt = Date.now();
    const resumedWith = await placedCount(ids);
    await eventually(async () => ((await placedCount(ids)) === BACKLOG ? true : undefined), 120_000);
    const drainSeconds = (Date.now() - resumedAt) / 1000;

    const total = await sut.db('orders').count({ n: '*' }).first();
    expect(Number(total?.['n'])).toBe(BACKLOG);
    const rejected = await sut.db('orders').where({ status: 'rejected' }).count({ n: '*' }).first();
    for (const productId of products) {
      expect(await pendingUnits(sut.db, productId)).toBe(await reservedUnits(sut.product, productId)); // nothing reserved twice
    }
    expect(await findStockImbalances(sut.product.db)).toEqual([]);
    console.log(
      `worker crash: ${BACKLOG} accepted, ${atKill} placed before SIGKILL; restarted worker resumed after ` +
        `${((resumedAt - restartedAt) / 1000).toFixed(1)} s and drained the rest at ` +
        `${Math.round((BACKLOG - resumedWith) / drainSeconds)} orders/s; ${Number(rejected?.['n'])} rejected for stock`,
    );
  }, 240_000);
});
