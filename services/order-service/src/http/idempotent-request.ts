import { createHash } from 'node:crypto';
import { AppError } from '@ecom/service-kit/errors';

/** An HTTP answer as stored with its key, to be given again to a retry. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface ClaimRequest {
  readonly key: string;
  readonly fingerprint: string;
  /** The order id this request will use, bound to the key before any work is done. */
  readonly orderId: string;
  readonly now: Date;
  readonly ttlMs: number;
  /** How long an in-flight claim holds the key before a retry may take it over. */
  readonly leaseMs: number;
  /** On a takeover, keep the earlier attempt's order id (async) or bind `orderId` instead (sync). */
  readonly onTakeover: 'keep' | 'replace';
}

export type KeyClaim =
  | { readonly outcome: 'claimed'; readonly orderId: string; readonly earlierOrderId?: string }
  | { readonly outcome: 'in_flight'; readonly fingerprint: string }
  | { readonly outcome: 'completed'; readonly fingerprint: string; readonly response: StoredResponse };

/** Where keys and their answers are kept (data/idempotency.repository.ts). */
export interface IdempotencyKeys {
  claim(request: ClaimRequest): Promise<KeyClaim>;
  /** Stores the answer, as long as the claim for `orderId` still holds the key. */
  complete(key: string, orderId: string, response: StoredResponse): Promise<void>;
  /** Forgets the claim for `orderId`, so a retry is processed afresh. */
  release(key: string, orderId: string): Promise<void>;
}

export interface IdempotencySettings {
  readonly keys: IdempotencyKeys;
  readonly ttlMs: number;
  readonly leaseMs: number;
  /** The answer was given but could not be stored with its key (a retry recovers it by order id). */
  readonly onCompletionFailed?: (key: string, error: unknown) => void;
}

/** An endpoint whose requests are placed at most once per key, each under its own order id. */
export interface IdempotentEndpoint {
  readonly name: string;
  /** Sync: a new id after a takeover (the earlier one may be half-placed and swept); async: the same (its request may be queued). */
  readonly onTakeover: 'keep' | 'replace';
  /** Answers the request under `orderId`. */
  handle(orderId: string): Promise<StoredResponse>;
  /**
   * After a takeover: the earlier attempt's answer, if its order exists; undefined to run the
   * request; throws (a 503) when the earlier attempt failed for good and the client should retry.
   */
  recover(orderId: string): Promise<StoredResponse | undefined>;
}

/**
 * Keys are the ordering user's: another user's `cart-123` is another key, so one user can neither
 * block another's key nor learn that it was used. At most 16 digits, a colon and 128 characters
 * (migration 007 widened the column to hold them).
 * The order handlers claim keys under this name (http/order-placement.handlers.ts).
 */
export function keyOfUser(userId: number, key: string): string {
  return `${userId}:${key}`;
}

/**
 * Runs a request at most once per Idempotency-Key. Same key and same request → the first answer
 * again (status and body); same key, other request → 422; the first still in flight → 409 until
 * its lease ends, when the retry takes the key over: the earlier attempt's order, if it was
 * stored (its process died before storing the answer), is the answer; otherwise the request runs
 * again. A transient failure (5xx) forgets the key, so the client's retry is processed afresh;
 * except `acceptance_unknown` (the request may still be placed), which keeps the key and its order
 * id until the lease ends.
 */
export async function runIdempotently(
  settings: IdempotencySettings,
  key: string | undefined,
  request: { readonly body: unknown; readonly newOrderId: () => string },
  endpoint: IdempotentEndpoint,
): Promise<StoredResponse> {
  if (key === undefined) return endpoint.handle(request.newOrderId());
  const fingerprint = fingerprintOf(endpoint.name, request.body);
  const claim = await settings.keys.claim({
    key,
    fingerprint,
    orderId: request.newOrderId(),
    now: new Date(),
    ttlMs: settings.ttlMs,
    leaseMs: settings.leaseMs,
    onTakeover: endpoint.onTakeover,
  });
  if (claim.outcome === 'claimed') return answerClaimed(settings, key, claim, endpoint);
  if (claim.fingerprint !== fingerprint && claim.fingerprint !== '') throw keyReused();
  if (claim.outcome === 'in_flight') throw stillInFlight();
  return claim.response;
}

async function answerClaimed(
  settings: IdempotencySettings,
  key: string,
  { orderId, earlierOrderId }: Extract<KeyClaim, { outcome: 'claimed' }>,
  endpoint: IdempotentEndpoint,
): Promise<StoredResponse> {
  let response: StoredResponse;
  try {
    const recovered = earlierOrderId === undefined ? undefined : await endpoint.recover(earlierOrderId);
    response = recovered ?? (await endpoint.handle(orderId));
  } catch (error) {
    if (error instanceof AppError && error.status < 500 && !error.retriable) {
      const body = { error: { code: error.code, message: error.message, details: error.details } };
      await store(settings, key, orderId, { status: error.status, body });
    } else if (!(error instanceof AppError && error.code === 'acceptance_unknown')) {
      await settings.keys.release(key, orderId).catch(() => undefined);
    } // else: the order may still be placed under this id: the key stays bound to it until its lease ends
    throw error;
  }
  await store(settings, key, orderId, response);
  return response;
}

/**
 * The answer stands whether or not it is stored: when storing fails, the key stays in flight
 * until its lease ends, and the retry that takes it over finds the order by its bound id.
 */
async function store(settings: IdempotencySettings, key: string, orderId: string, response: StoredResponse) {
  await settings.keys
    .complete(key, orderId, response)
    .catch((error: unknown) => settings.onCompletionFailed?.(key, error));
}

function keyReused(): AppError {
  return new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different request', {
    status: 422,
    details: [{ field: 'Idempotency-Key', message: 'already used for another request' }],
  });
}

function stillInFlight(): AppError {
  return new AppError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed', {
    status: 409,
    retriable: true,
    retryAfterSeconds: 1,
  });
}

/** sha256 over the endpoint and the body with object keys sorted, so key order does not matter. */
export function fingerprintOf(endpoint: string, body: unknown): string {
  return createHash('sha256').update(endpoint).update('\n').update(stableJson(body)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
