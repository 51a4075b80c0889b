import CircuitBreaker from 'opossum';
import pLimit from 'p-limit';
import { Agent, request } from 'undici';
import type { Logger } from '@ecom/service-kit/logging';
import { Gauge, type Registry } from '@ecom/service-kit/metrics';
import { AppError, unavailableError } from '@ecom/service-kit/errors';
import { REQUEST_ID_HEADER, currentRequestId } from '@ecom/service-kit/logging';
import type { BatchStockReservations, ReservationAttempt, ReservedLine, StockRequest } from '../domain/ports';
import { readBatchAnswer, refusal, splitIntoBatches } from './product-service.contract';

export interface ReservationResult {
  readonly order_id: string;
  readonly status: 'reserved' | 'released';
  readonly items: readonly ReservedLine[];
  readonly total_amount: string;
}

export interface ProductServiceClientOptions {
  readonly urls: readonly string[];
  readonly timeoutMs: number;
  /** Calls in flight at most; more wait their turn (before their timeout starts). */
  readonly maxInFlight?: number;
  readonly logger: Logger;
  readonly registry?: Registry;
}

interface Call {
  readonly path: string;
  readonly body?: unknown;
  /**
   * Whether a 409/422 answer refuses what was asked (true by default); false for a batch call,
   * whose orders are refused one by one in its 200, so that a 4xx of the whole call is a failure.
   */
  readonly refusable?: boolean;
}

/**
 * The product service's internal reservation API, behind a circuit breaker (opossum): after
 * repeated failures or timeouts it opens and calls fail at once with 503 instead of piling up.
 * Business answers (409 short stock, 422 unknown product) pass through and never trip it. At most
 * `maxInFlight` calls are in flight (p-limit); the rest queue, so a worker's fan-out never aims
 * more calls at the product service than its pool serves within the timeout.
 * Instances in `urls` are used in turn, over keep-alive connections (undici's `request`: it
 * costs a fraction of the CPU of `fetch`, whose WHATWG streams and objects were a fifth of the
 * order service's time per sync order; docs/performance.md, "Where the sync path's time goes").
 */
export class ProductServiceClient implements BatchStockReservations {
  readonly #breaker: CircuitBreaker<[Call], unknown>;
  readonly #urls: readonly string[];
  readonly #limit: pLimit.Limit;
  readonly #timeoutMs: number;
  readonly #agent: Agent;
  #next = 0;

  constructor({ urls, timeoutMs, maxInFlight = 10, logger, registry }: ProductServiceClientOptions) {
    this.#urls = urls;
    this.#limit = pLimit(maxInFlight);
    this.#timeoutMs = timeoutMs;
    this.#agent = new Agent({ connections: maxInFlight, keepAliveTimeout: 10_000 });
    this.#breaker = new CircuitBreaker((call: Call) => this.#post(call, timeoutMs), {
      timeout: timeoutMs + 500,
      errorThresholdPercentage: 50,
      volumeThreshold: 10,
      resetTimeout: 5_000,
      errorFilter: (error: unknown) => error instanceof AppError && !error.retriable,
    });
    this.#breaker.on('open', () => logger.warn('product-service circuit opened'));
    this.#breaker.on('close', () => logger.info('product-service circuit closed'));
    if (registry) registerBreakerGauge(registry, this.#breaker);
  }

  reserve(orderId: string, items: readonly { product_id: number; quantity: number }[]): Promise<ReservationResult> {
    return this.#fire({
      path: '/internal/reservations',
      body: { order_id: orderId, items },
    }) as Promise<ReservationResult>;
  }

  /**
   * `POST /internal/reservations/batch`, in batches within BATCH_LIMITS (each one call through the
   * breaker and the in-flight limit, one transaction at the product service). Resolves one attempt
   * per order, in order: the reservation, the order's refusal, or the failure of its call.
   */
  async reserveMany(orders: readonly StockRequest[]): Promise<ReservationAttempt[]> {
    const batches = splitIntoBatches(orders);
    return (await Promise.all(batches.map((batch) => this.#reserveBatch(batch)))).flat();
  }

  release(orderId: string): Promise<ReservationResult> {
    return this.#fire({
      path: `/internal/reservations/${encodeURIComponent(orderId)}/release`,
    }) as Promise<ReservationResult>;
  }

  /**
   * Whether a failed reserve may still have committed at the product service: it timed out, its
   * connection broke mid-request, or it answered with a 5xx (which need not mean its transaction
   * rolled back). Not when the circuit was open, the connection was refused, or it refused the
   * order (409/422: nothing reserved).
   */
  mayHaveReserved(error: AppError): boolean {
    const cause = error.cause as { name?: string; code?: string; cause?: { code?: string } } | undefined;
    if (cause === undefined) return false;
    if (cause instanceof ProductServiceFailure) return true;
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError' || cause.code === 'ETIMEDOUT') return true;
    // undici: a connection that broke once the request was sent (UND_ERR_SOCKET, "other side closed").
    return cause.code?.startsWith('UND_ERR') === true && cause.code !== 'UND_ERR_CONNECT_TIMEOUT';
  }

  /** One batch call; when it fails, every order in it has the call's failure. */
  async #reserveBatch(batch: readonly StockRequest[]): Promise<ReservationAttempt[]> {
    const path = '/internal/reservations/batch';
    try {
      const answer = await this.#fire({ path, body: { reservations: batch }, refusable: false });
      const attempts = readBatchAnswer(answer, batch);
      if (attempts) return attempts;
      // Not this contract's answer (a version skew, say): a failure of the call, which may have committed.
      throw new AppError('bad_gateway', 'The product service answered the batch with something else', {
        status: 502,
        expose: true,
        retriable: true,
        cause: new ProductServiceFailure(200, path, 'not a batch answer'),
      });
    } catch (error) {
      const failure = error instanceof AppError ? error : unavailableError('product-service', error);
      return batch.map(({ order_id }) => ({ order_id, error: failure }));
    }
  }

  /** Probes readiness without going through the breaker. */
  async checkReady(): Promise<void> {
    const { statusCode, body } = await request(`${this.#urls[0]}/health`, {
      dispatcher: this.#agent,
      signal: AbortSignal.timeout(2_000),
    });
    await body.dump();
    if (statusCode !== 200) throw new Error(`product-service /health answered ${statusCode}`);
  }

  shutdown(): void {
    this.#breaker.shutdown();
    void this.#agent.close();
  }

  async #fire(call: Call): Promise<unknown> {
    const queuedAt = Date.now();
    try {
      return await this.#limit(() => {
        // Waited its turn longer than a call may take: given up unsent (nothing reserved), not sent late.
        if (Date.now() - queuedAt > this.#timeoutMs) throw new Error('waited too long for a free call slot');
        return this.#breaker.fire(call);
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw unavailableError('product-service', error); // open circuit, timeout, connection refused
    }
  }

  async #post({ path, body, refusable = true }: Call, timeoutMs: number): Promise<unknown> {
    const url = this.#urls[this.#next++ % this.#urls.length];
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const requestId = currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    const response = await request(`${url}${path}`, {
      method: 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: this.#agent,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const status = response.statusCode;
    const payload = parseJson(await response.body.text()) as {
      error?: { code: unknown; message: string; details: [] };
    };
    if (status >= 200 && status < 300) return payload;
    if (refusable && (status === 409 || status === 422)) {
      return Promise.reject(refusal(status, payload?.error ?? { message: 'refused', details: [] }));
    }
    const failure = new ProductServiceFailure(status, path, payload?.error?.code);
    if (TRANSIENT_STATUSES.has(status)) throw failure; // → 503; counts against the breaker
    // Any other failure (a 500: a bug, a bad deploy) is 502. Retriable, so the worker tries it again
    // within its budget and the breaker counts it, but not a "try later" 503.
    throw new AppError('bad_gateway', 'The product service could not process the request', {
      status: 502,
      expose: true,
      retriable: true,
      cause: failure,
    });
  }
}

/** Answers that mean "not now" (overloaded, a dependency down, a proxy's timeout). */
const TRANSIENT_STATUSES = new Set([502, 503, 504]);

/** A body as JSON, or undefined (a proxy's HTML error page, an empty body): the status decides. */
function parseJson(text: string): { error?: { code: unknown; message: string; details: [] } } | undefined {
  try {
    return JSON.parse(text) as { error?: { code: unknown; message: string; details: [] } };
  } catch {
    return undefined;
  }
}

/** The product service answered with a failure status; what it did before failing is unknown. */
class ProductServiceFailure extends Error {
  constructor(
    readonly status: number,
    path: string,
    code: unknown,
  ) {
    super(`product-service answered ${status} to ${path}${typeof code === 'string' ? `: ${code}` : ''}`);
    this.name = 'ProductServiceFailure';
  }
}

function registerBreakerGauge(registry: Registry, breaker: CircuitBreaker<[Call], unknown>): void {
  new Gauge({
    name: 'circuit_breaker_state',
    help: 'State of the circuit breaker around the product service: 0 closed, 1 half-open, 2 open',
    labelNames: ['dependency'] as const,
    registers: [registry],
    collect() {
      const state = breaker.opened ? 2 : breaker.halfOpen ? 1 : 0;
      this.set({ dependency: 'product-service' }, state);
    },
  });
}
