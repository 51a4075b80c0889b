import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { ipKeyGenerator } from 'express-rate-limit';
import { AppError } from '@ecom/service-kit/errors';
import { identityOf } from './authentication.middleware';
import { sendError } from './errors.middleware';
import type { Middleware } from './middleware-chain';

const WINDOW_MS = 60_000;

/**
 * At most `perMinute` proxied requests per client per minute (a fixed window per client,
 * in memory: each gateway instance counts on its own, so N instances allow up to N × the limit).
 * Responses carry the `RateLimit` / `RateLimit-Policy` headers (IETF draft 7); over the limit the
 * client gets 429 `rate_limited` in the shared error shape with `Retry-After` (seconds until its
 * window resets). The client is the user a verified bearer token names, or else the socket's
 * address, or the one `trustedHops` proxies back in X-Forwarded-For; IPv6 clients are counted by
 * their /56 network.
 *
 * These are express-rate-limit's semantics (its MemoryStore, its draft-7 headers), which the
 * gateway used until it was measured on the proxy's hot path: its middleware is asynchronous
 * throughout (five awaits, a promise per step, whatever the store) and cost about 15 µs of CPU per
 * request, a quarter of the gateway's own (performance-tests/gateway). A store that allocates
 * nothing would not have changed that. This one is synchronous, and a request from a known client
 * allocates nothing but its header string. express-rate-limit still provides the IPv6 keys.
 */
export function limitRequestRate(perMinute: number, trustedHops: number, windowMs = WINDOW_MS): Middleware {
  const counter = fixedWindowCounter(windowMs);
  const policy = `${perMinute};w=${Math.ceil(windowMs / 1_000)}`;
  return (req, res, next) => {
    const now = Date.now();
    const window = counter.hit(clientKey(req, trustedHops), now);
    const resetSeconds = Math.max(0, Math.ceil((window.resetAt - now) / 1_000));
    const remaining = Math.max(perMinute - window.hits, 0);
    res.setHeader('ratelimit-policy', policy); // lowercase: see apiSecurityHeaders
    res.setHeader('ratelimit', `limit=${perMinute}, remaining=${remaining}, reset=${resetSeconds}`);
    if (window.hits <= perMinute) next();
    else sendError(req, res, rateLimitedError(perMinute, Math.max(1, resetSeconds)));
  };
}

function rateLimitedError(perMinute: number, retryAfterSeconds: number): AppError {
  return new AppError('rate_limited', `Too many requests: at most ${perMinute} per minute`, {
    status: 429,
    retriable: true,
    retryAfterSeconds,
    details: [{ message: `limit ${perMinute} requests per minute per client`, limit: perMinute }],
  });
}

interface Window {
  hits: number;
  /** When the window ends (ms since the epoch). */
  resetAt: number;
}

/**
 * Hits per key in fixed windows that open at each key's first hit. Keys not hit for a whole
 * window are dropped in bulk, without scanning: every `windowMs` the current map becomes the
 * previous one, and a key hit again moves back (express-rate-limit's MemoryStore does the same).
 */
export function fixedWindowCounter(windowMs: number) {
  let current = new Map<string, Window>();
  let previous = new Map<string, Window>();
  setInterval(() => {
    previous = current;
    current = new Map();
  }, windowMs).unref();
  return {
    hit(key: string, now: number): Window {
      let window = current.get(key);
      if (window === undefined) {
        window = previous.get(key) ?? { hits: 0, resetAt: now + windowMs };
        previous.delete(key);
        current.set(key, window);
      }
      if (window.resetAt <= now) {
        window.hits = 0;
        window.resetAt = now + windowMs;
      }
      window.hits += 1;
      return window;
    },
  };
}

const CLIENT_KEY = Symbol('gateway.rateLimitKey');

/**
 * The key a client is counted under: the user a verified token names (one budget per user, from
 * any address), else the client's address. Without trusted proxies it depends on the connection only,
 * so it is worked out once per connection (an IPv6 address, such as an IPv4 client of a
 * dual-stack listener, takes a parse) and kept on the socket.
 */
function clientKey(req: IncomingMessage, trustedHops: number): string {
  const identity = identityOf(req);
  if (identity !== undefined) return `user:${identity.userId}`;
  if (trustedHops > 0) return keyOf(clientAddress(req, trustedHops));
  const socket = req.socket as Socket & { [CLIENT_KEY]?: string };
  return (socket[CLIENT_KEY] ??= keyOf(clientAddress(req, 0)));
}

function keyOf(address: string): string {
  return address.includes(':') ? ipKeyGenerator(address) : address;
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
