import { AppError } from '../errors/app-error';

export interface LoadSheddingSettings {
  /** Work items allowed to run at once. */
  readonly maxInFlight: number;
  /** Items allowed to wait for a slot; beyond that they are refused at once. */
  readonly maxQueued: number;
  /** Longest an item waits for a slot before it is refused (ms). */
  readonly maxQueueWaitMs: number;
}

/** 503 for work refused because the service is at capacity; safe to retry after a second. */
export function overloadedError(): AppError {
  return new AppError('overloaded', 'The service is at capacity, try again shortly', {
    status: 503,
    expose: true,
    retriable: true,
    retryAfterSeconds: 1,
    details: [{ message: 'too many requests in progress' }],
  });
}

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Admission control for expensive work (a sync order holds database connections and a call to
 * another service): at most `maxInFlight` run, a bounded queue waits a bounded time, and the rest
 * is refused with 503 + Retry-After. Above capacity a client then gets a fast, honest "later"
 * instead of a request that queues until it times out, and the work admitted keeps its latency.
 */
export class LoadShedder {
  readonly #settings: LoadSheddingSettings;
  readonly #queue: Waiter[] = [];
  #inFlight = 0;

  constructor(settings: LoadSheddingSettings) {
    this.#settings = settings;
  }

  /** Runs `work` once a slot is free; rejects with `overloadedError()` when none frees in time. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await work();
    } finally {
      this.#release();
    }
  }

  #acquire(): Promise<void> {
    if (this.#inFlight < this.#settings.maxInFlight) {
      this.#inFlight += 1;
      return Promise.resolve();
    }
    if (this.#queue.length >= this.#settings.maxQueued) return Promise.reject(overloadedError());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          this.#queue.splice(this.#queue.indexOf(waiter), 1);
          reject(overloadedError());
        }, this.#settings.maxQueueWaitMs),
      };
      this.#queue.push(waiter);
    });
  }

  /** Hands the slot to the longest waiter, or frees it. */
  #release(): void {
    const next = this.#queue.shift();
    if (next === undefined) {
      this.#inFlight -= 1;
      return;
    }
    clearTimeout(next.timer);
    next.grant();
  }
}
