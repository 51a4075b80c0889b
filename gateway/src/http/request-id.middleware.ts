import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER, resolveRequestId } from '@ecom/service-kit/logging';
import type { Middleware } from './middleware-chain';

/**
 * Accepts the caller's `X-Request-Id` or makes one, and returns it. The id is written back into
 * the request headers, which is how the proxy forwards it and how the gateway's logs and error
 * bodies read it (`requestIdOf`). Unlike the services, the gateway does not keep the id in
 * AsyncLocalStorage: on Node 20 that turns on async hooks for every promise of every request,
 * a measurable cost on the proxy's hot path, for log lines that can name the id themselves.
 */
export function requestIdMiddleware(): Middleware {
  return (req, res, next) => {
    const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader('X-Request-Id', requestId);
    next();
  };
}

/** The id `requestIdMiddleware` settled on (undefined before it ran). */
export function requestIdOf(req: IncomingMessage): string | undefined {
  const requestId = req.headers[REQUEST_ID_HEADER];
  return typeof requestId === 'string' ? requestId : undefined;
}
