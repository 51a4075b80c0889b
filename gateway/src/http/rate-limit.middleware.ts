import type { IncomingMessage } from 'node:http';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from '@ecom/service-kit/errors';
import { sendError } from './errors.middleware';
import type { Middleware } from './middleware-chain';

const WINDOW_MS = 60_000;

/**
 * At most `perMinute` proxied requests per client address per minute (fixed window, in memory:
 * each gateway instance counts on its own, so N instances allow up to N × the limit). Responses
 * carry the `RateLimit` / `RateLimit-Policy` headers (IETF draft 7); over the limit the client gets
 * 429 `rate_limited` in the shared error shape with `Retry-After` (seconds until the window resets).
 * The client is the socket's address, or the one `trustedHops` proxies back in X-Forwarded-For.
 */
export function limitRequestRate(perMinute: number, trustedHops: number): Middleware {
  const limiter = rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(clientAddress(req, trustedHops)),
    // A check that the count is taken once per request: it allocates a Map per request, and the
    // limiter is mounted once, on one path. The other start-up checks stay on.
    validate: { singleCount: false },
    handler: (req, res) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const resetAt = resetTime?.getTime() ?? Date.now() + WINDOW_MS;
      const error = new AppError('rate_limited', `Too many requests: at most ${perMinute} per minute`, {
        status: 429,
        retriable: true,
        retryAfterSeconds: Math.max(1, Math.ceil((resetAt - Date.now()) / 1_000)),
        details: [{ message: `limit ${perMinute} requests per minute per client`, limit: perMinute }],
      });
      sendError(req, res, error);
    },
  });
  // Typed for Express, but with our key generator and handler it uses nothing beyond Node's
  // request and response, so it also runs on the proxy's path, which does not go through Express.
  return limiter as unknown as Middleware;
}

/**
 * The client's address as Express's numeric `trust proxy` setting reads it: the socket's peer,
 * or, behind `trustedHops` proxies, the address that many entries from the end of X-Forwarded-For.
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = req.headers['x-forwarded-for'];
  if (trustedHops === 0 || typeof forwarded !== 'string') return peer;
  const chain = forwarded
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  return chain[Math.max(0, chain.length - trustedHops)] ?? peer;
}
