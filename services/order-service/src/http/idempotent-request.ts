import { createHash } from 'node:crypto';
import { AppError } from '@ecom/service-kit/errors';

/** An HTTP answer as stored with its key, to be given again to a retry. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export type KeyClaim =
  | { readonly outcome: 'claimed' }
  | { readonly outcome: 'in_flight'; readonly fingerprint: string }
  | { readonly outcome: 'completed'; readonly fingerprint: string; readonly response: StoredResponse };

/** Where keys and their answers are kept (data/idempotency.repository.ts). */
export interface IdempotencyKeys {
  claim(key: string, fingerprint: string, now: Date, ttlMs: number): Promise<KeyClaim>;
  complete(key: string, response: StoredResponse): Promise<void>;
  release(key: string): Promise<void>;
}

export interface IdempotencySettings {
  readonly keys: IdempotencyKeys;
  readonly ttlMs: number;
}

/**
 * Runs `handle` at most once per Idempotency-Key. Same key and same request → the first answer
 * again (status and body); same key, other request → 422; the first still in flight → 409.
 * A transient failure (5xx) forgets the key, so the client's retry is processed afresh.
 */
export async function runIdempotently(
  settings: IdempotencySettings,
  key: string | undefined,
  request: { readonly endpoint: string; readonly body: unknown },
  handle: () => Promise<StoredResponse>,
): Promise<StoredResponse> {
  if (key === undefined) return handle();
  const fingerprint = fingerprintOf(request.endpoint, request.body);
  const claim = await settings.keys.claim(key, fingerprint, new Date(), settings.ttlMs);
  if (claim.outcome !== 'claimed' && claim.fingerprint !== fingerprint && claim.fingerprint !== '') {
    throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different request', {
      status: 422,
      details: [{ field: 'Idempotency-Key', message: 'already used for another request' }],
    });
  }
  if (claim.outcome === 'in_flight') {
    throw new AppError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed', {
      status: 409,
      retriable: true,
      retryAfterSeconds: 1,
    });
  }
  if (claim.outcome === 'completed') return claim.response;
  return completeOrForget(settings.keys, key, handle);
}

async function completeOrForget(
  keys: IdempotencyKeys,
  key: string,
  handle: () => Promise<StoredResponse>,
): Promise<StoredResponse> {
  let response: StoredResponse;
  try {
    response = await handle();
  } catch (error) {
    if (error instanceof AppError && error.status < 500 && !error.retriable) {
      await keys.complete(key, {
        status: error.status,
        body: { error: { code: error.code, message: error.message, details: error.details } },
      });
    } else {
      await keys.release(key).catch(() => undefined);
    }
    throw error;
  }
  await keys.complete(key, response);
  return response;
}

/** sha256 over the endpoint and the body with object keys sorted, so key order does not matter. */
function fingerprintOf(endpoint: string, body: unknown): string {
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
