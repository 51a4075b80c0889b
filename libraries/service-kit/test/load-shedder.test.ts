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
});
