import type { z } from 'zod';
import { isDatabaseUnavailable } from '../db/database-errors';
import type { ErrorCode } from './error-codes';

/** One problem with one field of a request, e.g. `{ field: "items.0.quantity", message: "..." }`. */
export interface ErrorDetail {
  readonly field?: string;
  readonly message: string;
  readonly [extra: string]: unknown;
}

export interface AppErrorOptions {
  /** HTTP status this error maps to; 500 when absent. */
  readonly status?: number;
  /** Whether `message` and `details` may be shown to the caller; true below 500 by default. */
  readonly expose?: boolean;
  /** Whether trying again later may succeed (a dependency down, a timeout, a conflict in flight). */
  readonly retriable?: boolean;
  /** Seconds a client should wait before retrying; sent as `Retry-After`. */
  readonly retryAfterSeconds?: number;
  readonly details?: readonly ErrorDetail[];
  readonly cause?: unknown;
}

/**
 * The one error type of the system. Every failure that reaches an edge (HTTP, Kafka) is, or is
 * turned into, an AppError, and one middleware maps it to `{"error":{code,message,details,request_id}}`.
 */
export class AppError extends Error {
  readonly status: number;
  readonly expose: boolean;
  readonly retriable: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly details: readonly ErrorDetail[];

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
    this.retriable = options.retriable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details ?? [];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** zod's issues as an error's details: the field's dotted path (none for the whole value) and the message. */
export function issueDetails(issues: readonly z.core.$ZodIssue[]): { field: string | undefined; message: string }[] {
  return issues.map((issue) => ({ field: issue.path.map(String).join('.') || undefined, message: issue.message }));
}

export function validationError(issues: readonly z.core.$ZodIssue[], message = 'The request is invalid'): AppError {
  return new AppError('validation_failed', message, { status: 400, details: issueDetails(issues) });
}

export function notFoundError(what: string, id?: string | number): AppError {
  const message = id === undefined ? `${what} not found` : `${what} ${id} not found`;
  return new AppError('not_found', message, { status: 404 });
}

/** A dependency (database, broker, another service) cannot serve now: 503 with Retry-After. */
export function unavailableError(dependency: string, cause?: unknown, retryAfterSeconds = 2): AppError {
  return new AppError('service_unavailable', `${dependency} is unavailable, try again later`, {
    status: 503,
    expose: true,
    retriable: true,
    retryAfterSeconds,
    cause,
    details: [{ message: `${dependency} unavailable`, dependency }],
  });
}

/**
 * Anything that is not an AppError becomes an unexposed 500 that keeps the original as cause,
 * except a database that cannot serve now, which is a 503 with Retry-After.
 */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (isDatabaseUnavailable(error)) return unavailableError('database', error);
  return new AppError('internal_error', 'Internal server error', { status: 500, expose: false, cause: error });
}

/** Two transactions touched the same thing at once; running the losing one again resolves it. */
export function concurrentChangeError(what: string, cause?: unknown): AppError {
  return new AppError('concurrent_change', `${what} changed concurrently, try again`, {
    status: 409,
    retriable: true,
    retryAfterSeconds: 1,
    cause,
  });
}
