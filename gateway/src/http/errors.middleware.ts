import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, currentRequestId, errorHeaders, toAppError, toErrorBody } from '@ecom/service-kit';

/** Unknown routes get the same JSON error shape as every other failure. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(new AppError('not_found', `No route for ${req.method} ${req.path}`, { status: 404 }));
  };
}

/** The gateway's one error mapping: `{"error":{code,message,details,request_id}}`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (raw: unknown, _req, res, _next) => {
    const error = fromExpressError(raw);
    if (error.status >= 500) logger.error({ err: raw, code: error.code }, 'request failed');
    res.status(error.status).set(errorHeaders(error)).json(toErrorBody(error, currentRequestId()));
  };
}

function fromExpressError(raw: unknown): AppError {
  const httpError = raw as { status?: unknown; expose?: unknown; message?: unknown };
  if (!(raw instanceof AppError) && typeof httpError.status === 'number' && httpError.expose === true) {
    const code = httpError.status === 413 ? 'payload_too_large' : 'bad_request';
    return new AppError(code, String(httpError.message), { status: httpError.status, cause: raw });
  }
  return toAppError(raw);
}
