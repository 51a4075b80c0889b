import type { Producer } from 'kafkajs';
import { unavailableError } from '@ecom/service-kit/errors';
import { BatchingSender, requestIdHeaders } from '@ecom/service-kit/kafka';
import { withTimeLimit } from '@ecom/service-kit/lifecycle';
import type { OrderRequest } from '../domain/order';
import type { OrderRequestQueue } from '../domain/ports';
import { toOrderRequestMessage } from './order-request.message';

/**
 * Writes accepted order requests to Kafka and resolves only once every in-sync replica has them
 * (`acks: -1`, idempotent producer). Any failure, or no acknowledgement within `ackTimeoutMs`,
 * rejects with a 503: a 202 is never given for a request that is not durably written. Concurrent
 * requests share produce requests (BatchingSender), so acceptance is not one broker round trip
 * per order.
 */
export class OrderRequestProducer implements OrderRequestQueue {
  readonly #sender: BatchingSender;

  constructor(
    producer: Producer,
    private readonly topic: string,
    private readonly ackTimeoutMs: number,
  ) {
    this.#sender = new BatchingSender(producer, { timeoutMs: ackTimeoutMs });
  }

  /** True once no produce request is left in flight, false if some still are after `limitMs` (BatchingSender.settled). */
  settled(limitMs: number): Promise<boolean> {
    return this.#sender.settled(limitMs);
  }

  async enqueue(request: OrderRequest): Promise<void> {
    const message = toOrderRequestMessage(request);
    const deadline = new AbortController();
    try {
      // Still queued at the deadline: withdrawn, never sent. Already sent: it may yet arrive, which
      // the caller must settle (acceptAsyncOrder withdraws the order itself).
      const value = JSON.stringify(message);
      const sent = this.#sender.send(
        this.topic,
        { key: message.order_id, value, headers: requestIdHeaders() },
        deadline.signal,
      );
      await withTimeLimit(sent, this.ackTimeoutMs, () => {
        const error = new Error(`no acknowledgement within ${this.ackTimeoutMs} ms`);
        deadline.abort(error);
        throw error;
      });
    } catch (error) {
      throw unavailableError('kafka', error);
    }
  }
}
