import { createHmac } from 'node:crypto';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '@ecom/auth';

/** Seconds since the epoch, as JWT times are written. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims a valid token would carry (admin, user 1, for a minute), to be overridden case by case. */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds();
  return { sub: '1', role: 'admin', iss: DEFAULT_ISSUER, aud: DEFAULT_AUDIENCE, iat, exp: iat + 60, ...overrides };
}

/**
 * A token written by hand, as an attacker (or a broken client) would: any header, any claims,
 * an HMAC-SHA256 signature over them with `secret`. For what `signToken` refuses to make:
 * expired tokens, tokens without `exp`, unknown roles.
 */
export function forgeHs256(tokenClaims: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const signed = `${encode(header)}.${encode(tokenClaims)}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

/** An unsecured JWT (`alg: none`, empty signature). */
export function unsignedToken(tokenClaims: object): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(tokenClaims)}.`;
}
