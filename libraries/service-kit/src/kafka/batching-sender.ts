import type { Message, Producer } from 'kafkajs';
import { withTimeLimit } from '../lifecycle/time-limit';
import { ACKS_ALL } from './kafka.factory';

interface Pending {
  readonly topic: string;
  readonly message: Message;
  resolve(): void;
  reject(error: unknown): void;
}

export interface BatchingSenderOptions {
  /** Most messages in one produce request. */
  readonly maxBatch?: number;
  /** Broker-side timeout of each produce request (ms). */
  readonly timeoutMs?: number;
}

/**
 * Group commit for Kafka: concurrent `send`s share produce requests. When nothing is in flight a
 * message goes at once (no added latency at low load); while a request is in flight, the next
 * messages gather and go together as soon as it is acknowledged. The producers of this system
 * are idempotent with one request in flight (ordering), so without this each message waits for
 * the acknowledgement of the one before: throughput would be one round trip per message.
 * Each `send` resolves when its own request is acknowledged by every in-sync replica, and
 * rejects when that request fails.
 */
export class BatchingSender {
  readonly #producer: Producer;
  readonly #maxBatch: number;
  readonly #timeoutMs: number;
  #queue: Pending[] = [];
  /** The flush under way (a produce request in flight, then the ones gathered meanwhile); none when idle. */
  #flushing: Promise<void> | undefined;

  constructor(producer: Producer, { maxBatch = 500, timeoutMs = 30_000 }: BatchingSenderOptions = {}) {
    this.#producer = producer;
    this.#maxBatch = maxBatch;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Resolves once the message is acknowledged. `signal` withdraws it while it still waits in the
   * queue (rejecting with the signal's reason): it is then never sent. Once its produce request
   * has left, it can no longer be recalled and the promise follows that request.
   */
  send(topic: string, message: Message, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const pending: Pending = { topic, message, resolve, reject };
      this.#queue.push(pending);
      signal?.addEventListener('abort', () => this.#withdraw(pending, signal.reason), { once: true });
      this.#flushing ??= this.#flush();
    });
  }

  /**
   * Resolves true once every produce request made so far has ended, acknowledged or failed; false
   * if some are still in flight after `limitMs`. Await it before disconnecting the producer: a
   * request the producer is still retrying (e.g. for a topic that does not exist) reconnects it
   * after the disconnect, and that connection keeps the process alive.
   */
  settled(limitMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    return withTimeLimit(this.#drained(), limitMs, () => false);
  }

  async #drained(): Promise<true> {
    while (this.#flushing) await this.#flushing;
    return true;
  }

  #withdraw(pending: Pending, reason: unknown): void {
    const index = this.#queue.indexOf(pending);
    if (index === -1) return; // already sent, or being sent
    this.#queue.splice(index, 1);
    pending.reject(reason);
  }

  // Called with a message queued, so it always awaits a request before it clears #flushing.
  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        await this.#producer.sendBatch({ acks: ACKS_ALL, timeout: this.#timeoutMs, topicMessages: byTopic(batch) });
        batch.forEach((pending) => pending.resolve());
      } catch (error) {
        batch.forEach((pending) => pending.reject(error));
      }
    }
    this.#flushing = undefined;
  }
}

function byTopic(batch: readonly Pending[]): { topic: string; messages: Message[] }[] {
  const topics = new Map<string, Message[]>();
  for (const { topic, message } of batch) {
    const messages = topics.get(topic) ?? [];
    messages.push(message);
    topics.set(topic, messages);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
