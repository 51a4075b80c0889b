import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, MIN_HS256_SECRET_LENGTH, type VerificationKey } from '@ecom/auth';
import { ConfigError, env } from '@ecom/service-kit/config';

/** The most clock skew the gateway may be told to accept on a token's times. */
const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/**
 * A PEM as an environment variable: real newlines, or `\n` written out (one-line .env files and
 * task definitions). It must be an RSA public key in SPKI form (`-----BEGIN PUBLIC KEY-----`).
 */
const rsaPublicKeyPem = z
  .string()
  .transform((pem) => pem.replace(/\\n/g, '\n').trim())
  .refine(isRsaPublicKey, 'must be an RSA public key in PEM (SPKI, -----BEGIN PUBLIC KEY-----)');

/** The gateway's authentication variables (part of its configSchema). */
export const authSchema = {
  /** Verify bearer tokens on the API. `false` leaves every route open to anyone: unsafe outside a laptop. */
  AUTH_ENABLED: env.flag.default(true),
  /** HS256 shared secret (≥ 32 characters when auth is on: checkSecretLength): local and test systems. Never echoed. */
  AUTH_HS256_SECRET: env.secret(z.string().optional()),
  /** RS256 public key, PEM (SPKI): deployments whose tokens are signed elsewhere. */
  AUTH_RS256_PUBLIC_KEY: rsaPublicKeyPem.optional(),
  /**
   * RS256 keys from a JWKS endpoint (an identity provider's `.well-known/jwks.json`): https only,
   * since whoever can answer in its place can sign tokens. Plain http only to a loopback host (tests).
   */
  AUTH_JWKS_URL: z
    .url({ protocol: /^https?$/ })
    .refine(isHttpsOrLoopback, 'must be an https URL (http only to 127.0.0.1, [::1] or localhost)')
    .optional(),
  AUTH_ISSUER: z.string().min(1).default(DEFAULT_ISSUER),
  AUTH_AUDIENCE: z.string().min(1).default(DEFAULT_AUDIENCE),
  AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(MAX_CLOCK_TOLERANCE_SECONDS).default(30),
};

type AuthVariables = Readonly<z.infer<z.ZodObject<typeof authSchema>>>;

/**
 * The configSchema's check that an HS256 secret is long enough, where it is used: with auth off
 * the gateway never reads it (and the launcher, reading only the port, sets auth off). The issue
 * names AUTH_HS256_SECRET, so parseEnv reports it without the value.
 */
export function checkSecretLength(raw: AuthVariables, ctx: z.RefinementCtx): void {
  const secret = raw.AUTH_HS256_SECRET;
  if (!raw.AUTH_ENABLED || secret === undefined || secret.length >= MIN_HS256_SECRET_LENGTH) return;
  ctx.addIssue({
    code: 'custom',
    path: ['AUTH_HS256_SECRET'],
    message: `must be at least ${MIN_HS256_SECRET_LENGTH} characters`,
  });
}

/** Off, or on with the one key that verifies tokens and the claims they must carry. */
export type AuthSettings =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly key: VerificationKey;
      readonly issuer: string;
      readonly audience: string;
      readonly clockToleranceSeconds: number;
    };

/** The auth settings from the parsed variables; throws a ConfigError unless exactly one key source is set. */
export function authSettingsFrom(raw: AuthVariables): AuthSettings {
  if (!raw.AUTH_ENABLED) return Object.freeze({ enabled: false });
  return Object.freeze({
    enabled: true,
    key: Object.freeze(verificationKeyFrom(raw)),
    issuer: raw.AUTH_ISSUER,
    audience: raw.AUTH_AUDIENCE,
    clockToleranceSeconds: raw.AUTH_CLOCK_TOLERANCE_SECONDS,
  });
}

function verificationKeyFrom(raw: AuthVariables): VerificationKey {
  const sources = (['AUTH_HS256_SECRET', 'AUTH_RS256_PUBLIC_KEY', 'AUTH_JWKS_URL'] as const).filter(
    (name) => raw[name] !== undefined,
  );
  if (sources.length !== 1) {
    const found = sources.length === 0 ? 'none is' : `${sources.join(' and ')} are`;
    throw new ConfigError([
      `AUTH_ENABLED: needs exactly one of AUTH_HS256_SECRET, AUTH_RS256_PUBLIC_KEY, AUTH_JWKS_URL (${found} set); AUTH_ENABLED=false turns authentication off (unsafe)`,
    ]);
  }
  if (raw.AUTH_RS256_PUBLIC_KEY !== undefined) return { algorithm: 'RS256', publicKeyPem: raw.AUTH_RS256_PUBLIC_KEY };
  if (raw.AUTH_JWKS_URL !== undefined) return { algorithm: 'RS256', jwksUrl: raw.AUTH_JWKS_URL };
  return { algorithm: 'HS256', secret: raw.AUTH_HS256_SECRET! };
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

function isHttpsOrLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

function isRsaPublicKey(pem: string): boolean {
  if (!pem.startsWith('-----BEGIN PUBLIC KEY-----')) return false;
  try {
    return createPublicKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}
