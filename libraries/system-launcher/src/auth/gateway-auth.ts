/** How the launcher sets up the gateway's authentication, and the key that signs tokens for it. */
import { generateSigningSecret, type SigningKey } from '@ecom/auth';
import { env as envVars } from '@ecom/service-kit/config';
import { localSigningSecret } from './local-signing-key';

/**
 * Off (AUTH_ENABLED=false), an HS256 secret the launcher chose, or (npm start only) the caller's
 * own AUTH_* variables: an RS256 public key or a JWKS URL, whose tokens are signed elsewhere.
 */
export type GatewayAuth =
  { readonly mode: 'off' } | { readonly mode: 'hs256'; readonly secret: string } | { readonly mode: 'environment' };

/**
 * A copy of the system (tests, benchmarks): on, with a fresh random secret, unless `enabled` is
 * false. `npm start`: as the environment says (AUTH_ENABLED=false, or an RS256 key or JWKS URL of
 * its own), else HS256 with AUTH_HS256_SECRET or the development secret.
 */
export function planGatewayAuth(copy: boolean, enabled: boolean | undefined, env = process.env): GatewayAuth {
  if (enabled === false) return { mode: 'off' };
  if (copy) return { mode: 'hs256', secret: generateSigningSecret() };
  // Read as the gateway reads it (env.flag), so what it turns off here it turns off there.
  if (enabled === undefined && envVars.flag.safeParse(env['AUTH_ENABLED']).data === false) return { mode: 'off' };
  if (env['AUTH_RS256_PUBLIC_KEY'] || env['AUTH_JWKS_URL']) return { mode: 'environment' };
  return { mode: 'hs256', secret: localSigningSecret(env).secret };
}

/** The key that signs tokens the gateway accepts, when the launcher holds it. */
export function signingKeyOf(auth: GatewayAuth | undefined): SigningKey | undefined {
  return auth?.mode === 'hs256' ? { algorithm: 'HS256', secret: auth.secret } : undefined;
}
