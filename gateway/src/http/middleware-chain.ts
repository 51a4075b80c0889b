import type { IncomingMessage, ServerResponse } from 'node:http';

export type Next = (error?: unknown) => void;

/**
 * Connect-style middleware on plain Node objects. helmet, cors and http-proxy-middleware are all
 * of this shape, and so are the gateway's own; Express accepts them too, since its request and
 * response extend these.
 */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => unknown;

/**
 * Runs `chain` in order, then calls `done`; an error (passed to `next`, thrown, or rejected by an
 * async middleware) skips the rest and goes to `done`. One closure per request, no router.
 */
export function runChain(chain: readonly Middleware[], req: IncomingMessage, res: ServerResponse, done: Next): void {
  let index = 0;
  const next: Next = (error) => {
    if (error !== undefined && error !== null) return done(error);
    const middleware = chain[index++];
    if (middleware === undefined) return done();
    try {
      const result = middleware(req, res, next);
      if (isThenable(result)) result.then(undefined, done);
    } catch (thrown) {
      done(thrown);
    }
  };
  next();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
