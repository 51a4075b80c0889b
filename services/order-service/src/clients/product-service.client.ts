import CircuitBreaker from 'opossum';
import type { Logger } from '@ecom/service-kit/logging';
import { Gauge, type Registry } from '@ecom/service-kit/metrics';
import { AppError, isErrorCode, unavailableError } from '@ecom/service-kit/errors';
import { REQUEST_ID_HEADER, currentRequestId } from '@ecom/service-kit/logging';
import type { ReservedLine, StockReservations } from '../domain/ports';

export interface ReservationResult {
  readonly order_id: string;
  readonly status: 'reserved' | 'released';
  readonly items: readonly ReservedLine[];
  readonly total_amount: string;
}

export interface ProductServiceClientOptions {
  readonly urls: readonly string[];
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly registry?: Registry;
}

interface Call {
  readonly path: string;
  readonly body?: unknown;
}

/**
 * The product service's internal reservation API, behind a circuit breaker (opossum): after
 * repeated failures or timeouts it opens and calls fail at once with 503 instead of piling up.
 * Business answers (409 short stock, 422 unknown product) pass through and never trip it.
 * Instances in `urls` are used in turn.
 */
export class ProductServiceClient implements StockReservations {
  readonly #breaker: CircuitBreaker<[Call], unknown>;
  readonly #urls: readonly string[];
  #next = 0;

  constructor({ urls, timeoutMs, logger, registry }: ProductServiceClientOptions) {
    this.#urls = urls;
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

  release(orderId: string): Promise<ReservationResult> {
    return this.#fire({
      path: `/internal/reservations/${encodeURIComponent(orderId)}/release`,
    }) as Promise<ReservationResult>;
  }

  /**
   * Whether a failed reserve may still have committed at the product service: it timed out or its
   * connection broke mid-request. Not when the circuit was open, the connection was refused, or
   * the service answered (an error answer rolled its transaction back).
   */
  mayHaveReserved(error: AppError): boolean {
    const cause = error.cause as { name?: string; code?: string; cause?: { code?: string } } | undefined;
    if (cause === undefined) return false;
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError' || cause.code === 'ETIMEDOUT') return true;
    return cause instanceof TypeError && cause.cause?.code !== 'ECONNREFUSED';
  }

  /** Probes readiness without going through the breaker. */
  async checkReady(): Promise<void> {
    const response = await fetch(`${this.#urls[0]}/health`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`product-service /health answered ${response.status}`);
  }

  shutdown(): void {
    this.#breaker.shutdown();
  }

  async #fire(call: Call): Promise<unknown> {
    try {
      return await this.#breaker.fire(call);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw unavailableError('product-service', error); // open circuit, timeout, connection refused
    }
  }

  async #post({ path, body }: Call, timeoutMs: number): Promise<unknown> {
    const url = this.#urls[this.#next++ % this.#urls.length];
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const requestId = currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const payload = (await response.json()) as { error?: { code: unknown; message: string; details: [] } };
    if (response.ok) return payload;
    if (response.status === 409 || response.status === 422) {
      // A refusal passes through as it is; one whose code this version does not know keeps its status.
      const { code, message, details } = payload.error ?? { code: undefined, message: 'refused', details: [] };
      const known = isErrorCode(code) ? code : 'request_refused';
      return Promise.reject(new AppError(known, message, { status: response.status, details }));
    }
    throw new Error(`product-service answered ${response.status} to ${path}: ${payload.error?.code ?? ''}`);
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
