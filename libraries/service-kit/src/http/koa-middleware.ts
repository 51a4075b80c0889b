import type Koa from 'koa';
import type { Logger } from 'pino';
import { AppError, toAppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/error-codes';
import { errorHeaders, toErrorBody } from '../errors/error-body';
import { REQUEST_ID_HEADER, currentRequestId, resolveRequestId, runWithRequestId } from '../logging/request-context';

/** Takes the caller's `X-Request-Id` (or makes one), returns it, and scopes the request to it. */
export function requestIdMiddleware(): Koa.Middleware {
  return async (ctx, next) => {
    const requestId = resolveRequestId(ctx.get(REQUEST_ID_HEADER));
    ctx.state['requestId'] = requestId;
    ctx.set('X-Request-Id', requestId);
    await runWithRequestId(requestId, next);
  };
}

/** The one place errors become HTTP responses: `{"error":{code,message,details,request_id}}`. */
export function errorMiddleware(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError('not_found', `No route for ${ctx.method} ${ctx.path}`, { status: 404 });
      }
      // @koa/router's allowedMethods(): 405, or 501 for a method it does not know (TRACE), with
      // `Allow` set and no body. Either way the method is not allowed on this resource.
      if ((ctx.status === 405 || ctx.status === 501) && (ctx.body === undefined || ctx.body === null)) {
        throw new AppError('method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`, { status: 405 });
      }
    } catch (raw) {
      const error = fromKoaError(raw);
      if (error.status >= 500) logFailure(logger, raw, error);
      ctx.status = error.status;
      ctx.set(errorHeaders(error));
      ctx.body = toErrorBody(error, currentRequestId());
    }
  };
}

/**
 * A 5xx is an error worth a stack trace, except a refusal at capacity: that one is the service
 * working as designed, counted by metrics, and logging a stack for each would add work exactly
 * when there is too much of it.
 */
function logFailure(logger: Logger, raw: unknown, error: AppError): void {
  if (error.code === 'overloaded') logger.debug({ code: error.code }, 'request refused: at capacity');
  else logger.error({ err: raw, code: error.code }, 'request failed');
}

/** Koa and its body parser throw http-errors (status + expose); keep their status and message. */
function fromKoaError(raw: unknown): AppError {
  if (raw instanceof AppError) return raw;
  const httpError = raw as { status?: unknown; expose?: unknown; message?: unknown; type?: unknown };
  if (typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500 && httpError.expose) {
    const code = httpErrorCode(httpError.status, httpError.type);
    return new AppError(code, String(httpError.message), { status: httpError.status, cause: raw });
  }
  return toAppError(raw);
}

function httpErrorCode(status: number, type: unknown): ErrorCode {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (type === 'entity.parse.failed' || status === 400) return 'malformed_request';
  return 'bad_request';
}
