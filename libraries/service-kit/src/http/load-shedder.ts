import { AppError } from '../errors/app-error';

export interface LoadSheddingSettings {
  /** Work items allowed to run at once. */
  readonly maxInFlight: number;
  /** Items allowed to wait for a slot at most; beyond that they are refused at once. */
  readonly maxQueued: number;
  /**
   * The latency budget of waiting (ms): an item whose expected wait exceeds it is refused at once,
   * and an item still waiting when it is spent is refused then. Below it, items queue.
   */
  readonly maxQueueWaitMs: number;
}

/** 503 for work refused because the service is at capacity; safe to retry after `retryAfterSeconds`. */
export function overloadedError(retryAfterSeconds = 1): AppError {
  return new AppError('overloaded', 'The service is at capacity, try again shortly', {
    status: 503,
    expose: true,
    retriable: true,
    retryAfterSeconds,
    details: [{ message: 'too many requests in progress' }],
  });
}

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

/** Weight of the newest duration in the moving average of how long a work item holds its slot. */
const SMOOTHING = 0.2;

/**
 * Admission control for expensive work (a sync order holds database connections and a call to
 * another service): at most `maxInFlight` run; the rest queue, first come first served, as long
 * as their expected wait (the queue ahead of them, served `maxInFlight` at a time, at the moving
 * average of how long an item holds a slot) fits the budget `maxQueueWaitMs`. Beyond it, and for
 * an item whose wait outlasts the budget after all, the answer is 503 + Retry-After at once: a
 * burst queues briefly and is served; sustained overload is told "later" instead of timing out.
 *
 * Hand-written (about 60 lines) rather than a library: the queue libraries at hand (p-limit,
 * p-queue) neither refuse by expected wait nor time a waiter out.
 */
export class LoadShedder {
  readonly #settings: LoadSheddingSettings;
  readonly #queue: Waiter[] = [];
  #inFlight = 0;
  /** Moving average of how long a work item runs, ms; 0 until one has finished. */
  #holdMs = 0;

  constructor(settings: LoadSheddingSettings) {
    this.#settings = settings;
  }

  /** Runs `work` once a slot is free; rejects with `overloadedError()` when none would free within the budget. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.#acquire();
    const startedAt = performance.now();
    try {
      return await work();
    } finally {
      this.#record(performance.now() - startedAt);
      this.#release();
    }
  }

  /** How long an item arriving now would wait for a slot, by the moving average (ms). */
  expectedWaitMs(): number {
    if (this.#inFlight < this.#settings.maxInFlight) return 0;
    return Math.ceil((this.#queue.length + 1) / this.#settings.maxInFlight) * this.#holdMs;
  }

  #acquire(): Promise<void> {
    if (this.#inFlight < this.#settings.maxInFlight) {
      this.#inFlight += 1;
      return Promise.resolve();
    }
    const expectedWaitMs = this.expectedWaitMs();
    if (this.#queue.length >= this.#settings.maxQueued || expectedWaitMs > this.#settings.maxQueueWaitMs) {
      return Promise.reject(overloadedError(Math.max(1, Math.ceil(expectedWaitMs / 1000))));
    }
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

  #record(durationMs: number): void {
    this.#holdMs = this.#holdMs === 0 ? durationMs : this.#holdMs + SMOOTHING * (durationMs - this.#holdMs);
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
