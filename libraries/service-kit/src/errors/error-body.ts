import type { AppError, ErrorDetail } from './app-error';

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details: readonly ErrorDetail[];
    readonly request_id: string | null;
  };
}

/** The JSON body of every error response. Internal errors never leak their message or cause. */
export function toErrorBody(error: AppError, requestId: string | undefined): ErrorBody {
  return {
    error: {
      code: error.expose ? error.code : 'internal_error',
      message: error.expose ? error.message : 'Internal server error',
      details: error.expose ? error.details : [],
      request_id: requestId ?? null,
    },
  };
}

/** Headers that go with an error response (currently `Retry-After` for retriable errors). */
export function errorHeaders(error: AppError): Record<string, string> {
  return error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };
}
