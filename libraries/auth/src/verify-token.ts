import { z } from 'zod';
import { createRemoteJWKSet, errors, importSPKI, jwtVerify, type JWTVerifyGetKey } from './jose.loader';
import { ROLES, userIdText, type Identity } from './identity';

/** What verifies tokens: the HS256 secret, or the RS256 public key as PEM (SPKI) or from a JWKS URL. */
export type VerificationKey =
  | { readonly algorithm: 'HS256'; readonly secret: string }
  | { readonly algorithm: 'RS256'; readonly publicKeyPem: string }
  | { readonly algorithm: 'RS256'; readonly jwksUrl: string };

export interface VerifierOptions {
  readonly key: VerificationKey;
  readonly issuer: string;
  readonly audience: string;
  /** Clock skew accepted on `exp`, `nbf` and `iat`, in seconds. */
  readonly clockToleranceSeconds: number;
  /** How many verified tokens to remember until they expire (10,000 unless given; 0 remembers none). */
  readonly cacheSize?: number;
}

/** Verifies a compact JWT and returns who it names; rejects with {@link InvalidTokenError} for any token it refuses. */
export type TokenVerifier = (token: string) => Promise<Identity>;

/** A token that is malformed, forged, expired, or for another issuer, audience or algorithm. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  constructor(
    message: string,
    /** jose's error code (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, …) or ERR_CLAIMS. */
    readonly reason: string,
  ) {
    super(message);
  }
}

const claimsSchema = z.object({
  sub: userIdText,
  role: z.enum(ROLES),
  exp: z.number(),
});

const DEFAULT_CACHE_SIZE = 10_000;

/**
 * Only the configured algorithm is accepted (so `alg: none` and HS256-signed tokens against an
 * RS256 key are refused), and `exp`, `iat` and `sub` must be present. A JWKS that cannot be
 * fetched or read is not the token's fault: that error is rethrown as it is, not as an invalid token.
 *
 * A signature check costs far more CPU than a map lookup, the gateway's budget per proxied request
 * is small (issue 16: 50 µs above the proxy library), and clients send the same token many times:
 * a token once verified is remembered, by its exact text (signature included), until it expires.
 */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const key = resolveVerificationKey(options.key);
  const verifyOptions = {
    algorithms: [options.key.algorithm],
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSeconds,
    requiredClaims: ['exp', 'iat', 'sub'],
  };
  const cache = verifiedTokenCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  return async (token) => {
    const cached = cache.get(token, Date.now());
    if (cached !== undefined) return cached;
    const { payload } = await verifyWith(key, token, verifyOptions);
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError(`token claims are invalid: ${claims.error.message}`, 'ERR_CLAIMS');
    const identity: Identity = Object.freeze({ userId: claims.data.sub, role: claims.data.role });
    cache.set(token, identity, (claims.data.exp + options.clockToleranceSeconds) * 1_000);
    return identity;
  };
}

/** The key as jose takes it: the secret's bytes, or a function resolving the RSA public key. */
function resolveVerificationKey(key: VerificationKey): Uint8Array | JWTVerifyGetKey {
  if (key.algorithm === 'HS256') return new TextEncoder().encode(key.secret);
  if ('jwksUrl' in key) return createRemoteJWKSet(new URL(key.jwksUrl));
  const imported = importSPKI(key.publicKeyPem, 'RS256');
  imported.catch(() => undefined); // a bad key fails each verification (below), not the process
  return () => imported;
}

async function verifyWith(
  key: Uint8Array | JWTVerifyGetKey,
  token: string,
  options: Parameters<typeof jwtVerify>[2],
): Promise<{ payload: unknown }> {
  try {
    // jwtVerify's overloads take a key or a key-resolving function; both are called the same way.
    return typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
  } catch (error) {
    if (isTokenError(error)) throw new InvalidTokenError(error.message, error.code);
    throw error;
  }
}

/** jose's errors that are the token's fault; the others (a JWKS that times out or does not parse) are the key source's. */
const TOKEN_ERROR_CODES: ReadonlySet<string> = new Set([
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

function isTokenError(error: unknown): error is InstanceType<typeof errors.JOSEError> {
  return error instanceof errors.JOSEError && TOKEN_ERROR_CODES.has(error.code);
}

/**
 * Verified tokens and the identity each names, until its expiry (clock tolerance included). At
 * most `size` entries: when full, the oldest goes (a Map iterates in insertion order).
 */
function verifiedTokenCache(size: number) {
  const entries = new Map<string, { identity: Identity; expiresAtMs: number }>();
  return {
    get(token: string, nowMs: number): Identity | undefined {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      if (entry.expiresAtMs > nowMs) return entry.identity;
      entries.delete(token);
      return undefined;
    },
    set(token: string, identity: Identity, expiresAtMs: number): void {
      if (size <= 0) return;
      if (entries.size >= size) entries.delete(entries.keys().next().value as string);
      entries.set(token, { identity, expiresAtMs });
    },
  };
}
