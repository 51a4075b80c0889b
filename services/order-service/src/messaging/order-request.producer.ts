import type { Producer } from 'kafkajs';
import { unavailableError } from '@ecom/service-kit/errors';
import { BatchingSender, requestIdHeaders } from '@ecom/service-kit/kafka';
import type { OrderRequest } from '../domain/order';
import type { OrderRequestQueue } from '../domain/ports';
import { toOrderRequestMessage } from './order-request.message';

/**
 * Writes accepted order requests to Kafka and resolves only once every in-sync replica has them
 * (`acks: -1`, idempotent producer). Any failure, or no acknowledgement within `ackTimeoutMs`,
 * becomes a 503: a 202 is never given for a request that is not durably written. Concurrent
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

  async enqueue(request: OrderRequest): Promise<void> {
    const message = toOrderRequestMessage(request);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no acknowledgement within ${this.ackTimeoutMs} ms`)),
        this.ackTimeoutMs,
      );
    });
    try {
      await Promise.race([
        this.#sender.send(this.topic, {
          key: message.order_id,
          value: JSON.stringify(message),
          headers: requestIdHeaders(),
        }),
        timeout,
      ]);
    } catch (error) {
      throw unavailableError('kafka', error);
    } finally {
      clearTimeout(timer);
    }
  }
}
