import { AppError } from '@ecom/service-kit/errors';
import { LoadShedder } from '@ecom/service-kit/http';

/** A piece of work that runs until the test lets it finish. */
function gatedWork() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: () => done.then(() => 'done'), finish };
}

describe('LoadShedder', () => {
  test('when more work arrives than may run and wait, then the surplus is refused at once with 503 and Retry-After', async () => {
    const shedder = new LoadShedder({ maxInFlight: 2, maxQueued: 1, maxQueueWaitMs: 5_000 });
    const gate = gatedWork();
    const admitted = [shedder.run(gate.work), shedder.run(gate.work), shedder.run(gate.work)];

    const refused = await shedder.run(gate.work).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 503, code: 'overloaded', retriable: true, retryAfterSeconds: 1 });
    gate.finish();
    await expect(Promise.all(admitted)).resolves.toEqual(['done', 'done', 'done']);
  });

  test('when a queued item waits longer than allowed, then it is refused and never runs', async () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxQueued: 5, maxQueueWaitMs: 50 });
    const gate = gatedWork();
    const running = shedder.run(gate.work);
    let ran = false;

    const queued = shedder.run(async () => {
      ran = true;
    });

    await expect(queued).rejects.toMatchObject({ code: 'overloaded' });
    gate.finish();
    await running;
    expect(ran).toBe(false);
  });

  test('when running work finishes, then the longest waiter takes its slot, and failures free slots too', async () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxQueued: 5, maxQueueWaitMs: 5_000 });
    const order: string[] = [];
    const failing = shedder.run(async () => {
      order.push('first');
      throw new Error('boom');
    });
    const second = shedder.run(async () => void order.push('second'));
    const third = shedder.run(async () => void order.push('third'));

    await expect(failing).rejects.toThrow('boom');
    await Promise.all([second, third]);

    expect(order).toEqual(['first', 'second', 'third']);
    await expect(shedder.run(async () => 'free again')).resolves.toBe('free again');
  });

  test('when the expected wait of an arrival exceeds the budget, then it is refused at once, while one within it queues', async () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxQueued: 10, maxQueueWaitMs: 100 });
    await shedder.run(() => new Promise((resolve) => setTimeout(resolve, 60))); // an item holds its slot ~60 ms
    const gate = gatedWork();
    const running = shedder.run(gate.work);

    const queued = shedder.run(async () => 'served'); // one ahead of it at ~60 ms: ~60 ms ≤ 100
    const refusedAt = performance.now();
    const refused = await shedder.run(async () => 'never').catch((error: unknown) => error); // ~120 ms > 100

    expect(performance.now() - refusedAt).toBeLessThan(50);
    expect(refused).toMatchObject({ code: 'overloaded', status: 503, retryAfterSeconds: 1 });
    expect(shedder.expectedWaitMs()).toBeGreaterThan(100);
    gate.finish();
    await expect(Promise.all([running, queued])).resolves.toEqual(['done', 'served']);
  });

  test('when a burst fits the budget, then it queues and every item is served in arrival order', async () => {
    const shedder = new LoadShedder({ maxInFlight: 4, maxQueued: 100, maxQueueWaitMs: 2_000 });
    const served: number[] = [];

    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        shedder.run(async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          served.push(index);
        }),
      ),
    );

    expect(served).toHaveLength(40);
    expect(served.slice(0, 4).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect(served.slice(-4).sort((a, b) => a - b)).toEqual([36, 37, 38, 39]);
  });
});
