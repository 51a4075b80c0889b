import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, errorHeaders, toAppError, toErrorBody } from '@ecom/service-kit/errors';
import { allowedOrderMethods } from '../upstreams/route-table';
import { requestIdOf } from './request-id';

/**
 * Unknown routes get the same JSON error shape as every other failure; a public order route asked
 * with a method it does not answer to gets 405 `method_not_allowed` with `Allow`.
 */
export function notFoundHandler(): RequestHandler {
  return (req, res, next) => {
    const allowed = allowedOrderMethods(req.path);
    if (allowed.length === 0) {
      next(new AppError('not_found', `No route for ${req.method} ${req.path}`, { status: 404 }));
      return;
    }
    res.setHeader('Allow', allowed.join(', '));
    next(new AppError('method_not_allowed', `${req.method} is not allowed on ${req.path}`, { status: 405 }));
  };
}

/** The gateway's one error mapping, on the Express side (the gateway's own routes). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  const respond = respondWithError(logger);
  return (raw: unknown, req, res, _next) => respond(req, res, raw);
}

/**
 * The gateway's one error mapping, for the Express side and the proxy's path alike: whatever was
 * thrown becomes `{"error":{code,message,details,request_id}}`; 5xx are logged with their cause.
 */
export function respondWithError(logger: Logger): (req: IncomingMessage, res: ServerResponse, raw: unknown) => void {
  return (req, res, raw) => {
    const error = fromHttpError(raw);
    if (error.status >= 500) {
      logger.error({ err: raw, code: error.code, request_id: requestIdOf(req) }, 'request failed');
    }
    sendError(req, res, error);
  };
}

/**
 * Writes `error` as the response, on plain Node objects so every path can use it.
 * When the response has already started (a stream broke half-way) the connection is cut instead:
 * the client sees a truncated response, never a second status line.
 */
export function sendError(req: IncomingMessage, res: ServerResponse, error: AppError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(toErrorBody(error, requestIdOf(req)));
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(errorHeaders(error))) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** http-errors (from Express and its file serving) keep their status and message when exposable. */
function fromHttpError(raw: unknown): AppError {
  const httpError = raw as { status?: unknown; expose?: unknown; message?: unknown };
  if (!(raw instanceof AppError) && typeof httpError.status === 'number' && httpError.expose === true) {
    const code = httpError.status === 413 ? 'payload_too_large' : 'bad_request';
    return new AppError(code, String(httpError.message), { status: httpError.status, cause: raw });
  }
  return toAppError(raw);
}
