import type Koa from 'koa';
import { z } from 'zod';
import { AppError, issueDetails } from '@ecom/service-kit/errors';
import { AUTH_CHALLENGE, IDENTITY_HEADERS, ROLES, userIdText } from '@ecom/auth/identity';
import type { Requester } from '../domain/order-access.policy';

/**
 * The identity the gateway forwards once it has verified the caller's token (IDENTITY_HEADERS).
 * The gateway always strips these headers from what clients send, so only the gateway (or a
 * caller inside the trusted network) sets them.
 */
const identityHeaders = z.object({
  [IDENTITY_HEADERS.userId]: userIdText,
  [IDENTITY_HEADERS.role]: z.enum(ROLES),
});

const REQUESTER = 'requester';

/**
 * Reads who asks once per request (before any route runs) and keeps it for `requesterOf`.
 * Neither header: a trusted internal caller. Both, well-formed: that identity. Anything else (one
 * header without the other, an unknown role, a user id that is not one) is a 401: the identity
 * cannot be established, and a broken one is never taken for "no identity", which is unrestricted.
 * Not a 400: the client did not send these headers (the gateway strips them) and cannot fix them.
 */
export function identifyRequester(): Koa.Middleware {
  return async (ctx, next) => {
    ctx.state[REQUESTER] = readRequester(ctx);
    await next();
  };
}

/** The requester `identifyRequester` read for this request. */
export function requesterOf(ctx: Koa.Context): Requester {
  if (!(REQUESTER in ctx.state)) throw new Error('identifyRequester() did not run before this route');
  return ctx.state[REQUESTER] as Requester;
}

function readRequester(ctx: Koa.Context): Requester {
  const userId = ctx.headers[IDENTITY_HEADERS.userId];
  const role = ctx.headers[IDENTITY_HEADERS.role];
  if (userId === undefined && role === undefined) return undefined;
  const parsed = identityHeaders.safeParse({ [IDENTITY_HEADERS.userId]: userId, [IDENTITY_HEADERS.role]: role });
  if (!parsed.success) {
    ctx.set('WWW-Authenticate', `${AUTH_CHALLENGE}, error="invalid_token"`); // as the gateway's challenge
    throw new AppError('unauthorized', 'The identity forwarded with this request is invalid', {
      status: 401,
      details: issueDetails(parsed.error.issues),
    });
  }
  return { userId: parsed.data[IDENTITY_HEADERS.userId], role: parsed.data[IDENTITY_HEADERS.role] };
}
