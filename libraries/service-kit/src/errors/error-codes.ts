/**
 * Every `code` an AppError may carry, in one list, so that the compiler checks each one and a
 * reader sees the whole vocabulary at once. Codes below 500 are part of the public API
 * (docs/api/openapi.yaml); 5xx codes other than `service_unavailable` and the gateway's upstream
 * codes reach clients as `internal_error` and stay in the logs.
 */
export const ERROR_CODES = [
  // 4xx: the request, as sent, cannot succeed
  'bad_request',
  'validation_failed',
  'malformed_json',
  'malformed_request',
  'invalid_cursor',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'unsupported_media_type',
  'payload_too_large',
  'headers_too_large',
  'request_timeout',
  'rate_limited',
  'insufficient_stock',
  'order_total_too_large',
  'out_of_stock',
  'unknown_product',
  'invalid_transition',
  'idempotency_key_reused',
  'idempotency_in_flight',
  'concurrent_change',
  'reservation_mismatch',
  'reservation_released',
  'request_refused',
  'precondition_failed',
  'precondition_required',
  'stock_limit_exceeded',
  // 5xx: this side, or a dependency, cannot serve now
  'internal_error',
  'service_unavailable',
  'overloaded',
  'concurrent_delivery',
  'retries_exhausted',
  'acceptance_unknown',
  'placement_abandoned',
  'bad_gateway',
  'upstream_timeout',
  'upstream_unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const known: ReadonlySet<string> = new Set(ERROR_CODES);

/** Whether `code` (read from another service's answer, say) is one of ours. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && known.has(code);
}
