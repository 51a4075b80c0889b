import type { RequestHandler } from 'express';
import { REQUEST_ID_HEADER, resolveRequestId, runWithRequestId } from '@ecom/service-kit';

/** Accepts the caller's `X-Request-Id` or makes one, returns it, and scopes the request to it. */
export function requestIdMiddleware(): RequestHandler {
  return (req, res, next) => {
    const requestId = resolveRequestId(req.get(REQUEST_ID_HEADER));
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader('X-Request-Id', requestId);
    runWithRequestId(requestId, next);
  };
}
