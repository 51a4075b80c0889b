import type { Logger } from 'pino';

export interface PeriodicTaskOptions {
  /** For the logs. */
  readonly name: string;
  /** The pause between the end of one run and the start of the next. */
  readonly intervalMs: number;
  readonly run: () => Promise<void>;
  readonly logger: Pick<Logger, 'warn'>;
}

export interface PeriodicTask {
  /** Stops scheduling and waits for a run in progress to end. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs` inside the service's process (housekeeping: retention, sweeps),
 * never two runs at once in one process; several processes may run it together, so `run` must be
 * safe to run concurrently. A run that fails is logged and the next one runs as planned. The timer
 * does not keep a process alive; a service stops the task when it stops.
 */
export function startPeriodicTask({ name, intervalMs, run, logger }: PeriodicTaskOptions): PeriodicTask {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const runOnce = async () => {
    try {
      await run();
    } catch (error) {
      logger.warn({ err: error, task: name }, `${name} failed; it runs again in ${intervalMs} ms`);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
