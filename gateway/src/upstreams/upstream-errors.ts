import { AppError, unavailableError } from '@ecom/service-kit/errors';

const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** How an upstream call failed, as metrics and logs name it. */
export type UpstreamErrorKind = 'refused' | 'timeout' | 'reset' | 'unconfigured' | 'other';

/** What went wrong with an upstream call, from the socket error (and whether our timer fired). */
export function classifyUpstreamError(error: unknown, timedOut: boolean): UpstreamErrorKind {
  if (timedOut) return 'timeout';
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return 'other';
  if (REFUSED.has(code)) return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  return 'other';
}

/**
 * The response a client gets when the gateway could not get one from a service:
 * - refused / not resolvable → 502 `upstream_unavailable` (the request never reached the service,
 *   so it is safe to retry, whatever the method);
 * - no answer within UPSTREAM_TIMEOUT_MS → 504 `upstream_timeout`;
 * - the connection broke or the answer was not HTTP → 502 `bad_gateway` (the service may or may
 *   not have acted on it; retry only what is idempotent or carries an Idempotency-Key);
 * - no instance configured → 503 `service_unavailable` with Retry-After.
 */
export function upstreamError(upstream: string, kind: UpstreamErrorKind, cause?: unknown): AppError {
  // 5xx errors are hidden by default; these say nothing internal (no address, no stack), so show them.
  const options = { expose: true, details: [{ message: `${upstream}: ${kind}`, upstream }], cause };
  switch (kind) {
    case 'refused':
      return new AppError('upstream_unavailable', `The ${upstream} is not reachable`, { ...options, status: 502 });
    case 'timeout':
      return new AppError('upstream_timeout', `The ${upstream} did not answer in time`, { ...options, status: 504 });
    case 'unconfigured':
      return unavailableError(upstream, cause, 5);
    default:
      return new AppError('bad_gateway', `The ${upstream} did not send a valid response`, { ...options, status: 502 });
  }
}
