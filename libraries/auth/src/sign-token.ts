import { importPKCS8, SignJWT, type CryptoKey } from './jose.loader';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, type Role } from './identity';
import type { SigningKey } from './signing-keys';

export interface TokenRequest {
  readonly key: SigningKey;
  readonly role: Role;
  readonly userId: number;
  /** How long the token is valid; 3600 s unless given. */
  readonly ttlSeconds?: number;
  readonly issuer?: string;
  readonly audience?: string;
}

const DEFAULT_TTL_SECONDS = 3600;

/** A signed bearer token: `sub` = the user id, `role`, `iss`, `aud`, `iat`, `exp`. */
export async function signToken(request: TokenRequest): Promise<string> {
  assertTokenRequest(request);
  const issuedAt = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: request.role })
    .setProtectedHeader({ alg: request.key.algorithm, typ: 'JWT' })
    .setSubject(String(request.userId))
    .setIssuer(request.issuer ?? DEFAULT_ISSUER)
    .setAudience(request.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (request.ttlSeconds ?? DEFAULT_TTL_SECONDS))
    .sign(await importSigningKey(request.key));
}

function assertTokenRequest({ userId, ttlSeconds }: TokenRequest): void {
  if (!Number.isSafeInteger(userId) || userId < 1) {
    throw new RangeError(`userId must be a positive integer, got ${userId}`);
  }
  if (ttlSeconds !== undefined && (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1)) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
}

async function importSigningKey(key: SigningKey): Promise<Uint8Array | CryptoKey> {
  return key.algorithm === 'HS256' ? new TextEncoder().encode(key.secret) : importPKCS8(key.privateKeyPem, 'RS256');
}
