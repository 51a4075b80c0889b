import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidTokenError, type TokenVerifier } from '@ecom/auth';
import { AUTH_CHALLENGE, IDENTITY_HEADERS, type Identity, type Role } from '@ecom/auth/identity';
import { AppError, unavailableError } from '@ecom/service-kit/errors';
import { sendError } from './errors.middleware';
import type { Middleware } from './middleware-chain';
import type { RouteAccess } from './route-access';

/** The headers that carry the caller's identity to the services; only the gateway sets them. */
const AUTH_USER_ID_HEADER = IDENTITY_HEADERS.userId;
const AUTH_ROLE_HEADER = IDENTITY_HEADERS.role;

const VERDICT = Symbol('gateway.authentication');

/** A refused request: the error it gets, and the `WWW-Authenticate` challenge that goes with it. */
interface Refusal {
  readonly error: AppError;
  readonly challenge: string;
}

/** What the token of a request proved: who sent it, or why it is refused. */
type Outcome = { readonly identity: Identity } | { readonly refusal: Refusal };
/** A protected route's roles, and what the request's token proved (set by `authenticate`). */
type Verdict = { readonly access: readonly Role[]; readonly outcome: Outcome };
type Authenticated = IncomingMessage & { [VERDICT]?: Verdict };

/** The identity a verified token gave this request, if any (the rate limit counts by it). */
export function identityOf(req: IncomingMessage): Identity | undefined {
  const outcome = (req as Authenticated)[VERDICT]?.outcome;
  return outcome !== undefined && 'identity' in outcome ? outcome.identity : undefined;
}

/**
 * First step: removes the identity headers whatever the client sent (only the gateway speaks for
 * a caller), then, on a route that needs a role, verifies the bearer token and remembers the
 * route's roles and what the token proved. Nothing is answered here, so the rate limit (which
 * runs next and counts by the token's subject) also counts requests whose token is refused;
 * `authorize` answers them. `verify` is undefined when authentication is off (AUTH_ENABLED=false).
 */
export function authenticate(
  accessOf: (req: IncomingMessage) => RouteAccess,
  verify: TokenVerifier | undefined,
): Middleware {
  return (req, _res, next) => {
    stripIdentityHeaders(req);
    if (verify === undefined) return next();
    const access = accessOf(req);
    // Synchronous unless there is a token to verify: catalogue reads take no promise here.
    if (access === 'anyone') return next();
    return verifyBearer(req.headers.authorization, verify).then((outcome) => {
      (req as Authenticated)[VERDICT] = { access, outcome };
      next();
    });
  };
}

/**
 * Second step, on what `authenticate` remembered (nothing: auth is off or the route is public): a
 * route that needs a role gets 401 without a valid token and 403 with a role it does not admit;
 * otherwise the request goes on with `x-auth-user-id` and `x-auth-role` set.
 */
export function authorize(): Middleware {
  return (req, res, next) => {
    const verdict = (req as Authenticated)[VERDICT];
    if (verdict === undefined) return next();
    const { access, outcome } = verdict;
    if ('refusal' in outcome) return refuse(req, res, outcome.refusal);
    const { userId, role } = outcome.identity;
    if (!access.includes(role)) return refuse(req, res, forbidden(role, access));
    req.headers[AUTH_USER_ID_HEADER] = String(userId);
    req.headers[AUTH_ROLE_HEADER] = role;
    next();
  };
}

function stripIdentityHeaders(req: IncomingMessage): void {
  // Deleting a property costs the headers object its fast shape: only when a client sent one.
  if (req.headers[AUTH_USER_ID_HEADER] !== undefined) delete req.headers[AUTH_USER_ID_HEADER];
  if (req.headers[AUTH_ROLE_HEADER] !== undefined) delete req.headers[AUTH_ROLE_HEADER];
  const connection = req.headers.connection;
  if (connection !== undefined && /x-auth-/i.test(connection)) unlistIdentityHeaders(req, connection);
}

/**
 * A `Connection` header lists the headers a hop must drop (RFC 9110 §7.6.1), and the proxy
 * forwards the client's (http-proxy-middleware copies it, and answers the client from it). A
 * client naming the identity headers there would have any proxy between the gateway and a service
 * drop the identity the gateway sets, and a request without one is unrestricted at the order
 * service. So those names go; the rest (`close`, `keep-alive`) stays, as keep-alive depends on it.
 */
function unlistIdentityHeaders(req: IncomingMessage, connection: string): void {
  const kept = connection
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '' && !IDENTITY_HEADER_NAMES.has(token.toLowerCase()));
  if (kept.length > 0) req.headers.connection = kept.join(', ');
  else delete req.headers.connection;
}

const IDENTITY_HEADER_NAMES: ReadonlySet<string> = new Set([AUTH_USER_ID_HEADER, AUTH_ROLE_HEADER]);

const BEARER = /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i;

async function verifyBearer(header: string | undefined, verify: TokenVerifier): Promise<Outcome> {
  if (header === undefined) return { refusal: missingToken() };
  const token = BEARER.exec(header)?.[1];
  if (token === undefined) return { refusal: invalidToken('the Authorization header is not "Bearer <token>"') };
  try {
    return { identity: await verify(token) };
  } catch (error) {
    if (error instanceof InvalidTokenError) return { refusal: invalidToken(error.message) };
    // Not the token's fault: the key set (AUTH_JWKS_URL) could not be fetched or read.
    throw unavailableError('token verification', error);
  }
}

function missingToken(): Refusal {
  const message = 'This route needs a bearer token (Authorization: Bearer <token>)';
  return { error: new AppError('unauthorized', message, { status: 401 }), challenge: AUTH_CHALLENGE };
}

function invalidToken(reason: string): Refusal {
  const details = [{ field: 'authorization', message: reason }];
  return {
    error: new AppError('unauthorized', 'The bearer token is invalid or expired', { status: 401, details }),
    challenge: `${AUTH_CHALLENGE}, error="invalid_token", error_description="The token is invalid or expired"`,
  };
}

function forbidden(role: string, access: readonly string[]): Refusal {
  const details = [{ message: `needs the role ${access.join(' or ')}`, roles: access }];
  return {
    error: new AppError('forbidden', `The ${role} role may not do this`, { status: 403, details }),
    challenge: `${AUTH_CHALLENGE}, error="insufficient_scope"`,
  };
}

/** RFC 6750: a 401 names the scheme (and why the token failed) in `WWW-Authenticate`, a 403 says `insufficient_scope`. */
function refuse(req: IncomingMessage, res: ServerResponse, { error, challenge }: Refusal): void {
  res.setHeader('WWW-Authenticate', challenge);
  sendError(req, res, error);
}
