import { AppError, toAppError } from '@ecom/service-kit/errors';
import type { Logger } from '@ecom/service-kit/logging';
import type { OrderRequest } from '../domain/order';
import {
  placeAsyncOrders,
  rejectAsyncOrders,
  type AsyncPlacement,
  type AsyncPlacementDependencies,
} from '../domain/place-async-orders.use-case';

export interface ChunkPlacementOptions {
  readonly placement: AsyncPlacementDependencies;
  /** Failed attempts after which a request is rejected with the last reason instead of retried again. */
  readonly maxAttempts: number;
  readonly logger: Logger;
  /** Each request settled for good (placed, rejected, or stored already). */
  readonly onSettled: (placement: AsyncPlacement) => void;
  /** Each request left to be fetched again. */
  readonly onRetried?: (request: OrderRequest) => void;
}

/**
 * The worker's decisions around one chunk: which requests are fetched again, and which are given
 * up. Nothing is retried forever:
 * - a request whose own placement keeps failing transiently is rejected with the last reason once
 *   it has failed `maxAttempts` times (the count is per order id, in this process);
 * - a chunk that cannot be stored for a reason retrying will not mend (a data error, not a
 *   database that is down) is placed again one request at a time, and the request that fails
 *   alone is rejected at once: one poison request never holds up its partition;
 * - a database or broker that is down holds everything back, without counting: it comes back.
 */
export class ChunkPlacement {
  readonly #options: ChunkPlacementOptions;
  readonly #attempts = new Map<string, number>();

  constructor(options: ChunkPlacementOptions) {
    this.#options = options;
  }

  /** Places the requests; resolves with the ids of those to be fetched again. */
  async place(requests: readonly OrderRequest[]): Promise<ReadonlySet<string>> {
    if (requests.length === 0) return new Set();
    try {
      return await this.#settle(await placeAsyncOrders(this.#options.placement, requests));
    } catch (error) {
      const failure = toAppError(error);
      if (failure.retriable) {
        this.#options.logger.warn({ err: error, orders: requests.length }, 'placing a chunk failed; will retry');
        return new Set(requests.map((request) => request.order_id));
      }
      if (requests.length > 1) return this.#placeOneByOne(requests);
      return this.#giveUp(requests, failure);
    }
  }

  async #settle(placements: readonly AsyncPlacement[]): Promise<ReadonlySet<string>> {
    const retried = new Set<string>();
    const exhausted: { request: OrderRequest; error: AppError }[] = [];
    for (const placement of placements) {
      const orderId = placement.request.order_id;
      if (placement.outcome !== 'retry') {
        this.#attempts.delete(orderId);
        this.#options.onSettled(placement);
        continue;
      }
      const attempts = (this.#attempts.get(orderId) ?? 0) + 1;
      this.#attempts.set(orderId, attempts);
      if (attempts >= this.#options.maxAttempts) exhausted.push(placement);
      else {
        retried.add(orderId);
        this.#options.onRetried?.(placement.request);
      }
    }
    for (const { request, error } of exhausted) {
      const given = await this.#giveUp([request], retriesExhausted(error, this.#options.maxAttempts));
      given.forEach((orderId) => retried.add(orderId));
    }
    return retried;
  }

  async #placeOneByOne(requests: readonly OrderRequest[]): Promise<ReadonlySet<string>> {
    const retried = new Set<string>();
    for (const request of requests) (await this.place([request])).forEach((orderId) => retried.add(orderId));
    return retried;
  }

  /** Rejects the requests with `reason`; resolves with those still to retry (the rejection could not be stored). */
  async #giveUp(requests: readonly OrderRequest[], reason: AppError): Promise<ReadonlySet<string>> {
    const { placement, logger } = this.#options;
    try {
      await rejectAsyncOrders(placement, requests, reason);
    } catch (error) {
      logger.warn({ err: error, orders: requests.length }, 'could not reject orders that cannot succeed; will retry');
      return new Set(requests.map((request) => request.order_id));
    }
    for (const request of requests) {
      this.#attempts.delete(request.order_id);
      logger.warn({ order_id: request.order_id, reason: reason.message }, 'async order rejected: it cannot succeed');
      this.#options.onSettled({ request, outcome: 'rejected' });
    }
    return new Set();
  }
}

function retriesExhausted(last: AppError, attempts: number): AppError {
  return new AppError('retries_exhausted', `Gave up after ${attempts} attempts; last: ${last.code}: ${last.message}`, {
    status: 503,
    cause: last,
  });
}
