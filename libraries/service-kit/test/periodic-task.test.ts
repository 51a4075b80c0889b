import { startPeriodicTask } from '@ecom/service-kit/lifecycle';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recordingLogger() {
  const warnings: unknown[] = [];
  return { warnings, logger: { warn: (...args: unknown[]) => void warnings.push(args) } };
}

describe('startPeriodicTask', () => {
  test('when started, then the task runs again and again, never two runs at once', async () => {
    let runs = 0;
    let concurrent = 0;
    let mostConcurrent = 0;
    const task = startPeriodicTask({
      name: 'test task',
      intervalMs: 10,
      logger: recordingLogger().logger,
      run: async () => {
        runs += 1;
        concurrent += 1;
        mostConcurrent = Math.max(mostConcurrent, concurrent);
        await sleep(25);
        concurrent -= 1;
      },
    });

    await sleep(200);
    await task.stop();

    expect(runs).toBeGreaterThanOrEqual(3);
    expect(mostConcurrent).toBe(1);
  });

  test('when a run fails, then it is logged and the next run still happens', async () => {
    const { logger, warnings } = recordingLogger();
    let runs = 0;
    const task = startPeriodicTask({
      name: 'failing task',
      intervalMs: 10,
      logger,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('database down');
      },
    });

    await sleep(100);
    await task.stop();

    expect(runs).toBeGreaterThanOrEqual(2);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain('failing task');
  });

  test('when stopped during a run, then stop waits for that run and no run starts after', async () => {
    let runs = 0;
    let finished = false;
    const task = startPeriodicTask({
      name: 'slow task',
      intervalMs: 5,
      logger: recordingLogger().logger,
      run: async () => {
        runs += 1;
        await sleep(60);
        finished = true;
      },
    });
    await sleep(20);

    await task.stop();
    const runsAtStop = runs;
    await sleep(50);

    expect(finished).toBe(true);
    expect(runs).toBe(runsAtStop);
  });
});
