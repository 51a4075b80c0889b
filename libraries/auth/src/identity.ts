/**
 * `@ecom/auth/identity`: who a caller is, as the gateway forwards it to the services. No jose here
 * (only zod): the services import this subpath, and verifying tokens stays the gateway's.
 */
import { z } from 'zod';

/** Who may do what: `customer` orders for itself, `admin` runs the catalogue and every order. */
export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The caller a verified token names. */
export interface Identity {
  readonly userId: number;
  readonly role: Role;
}

/**
 * The headers that carry a verified caller's identity from the gateway to the services. Only the
 * gateway sets them: it removes whatever a client sent under these names.
 */
export const IDENTITY_HEADERS = Object.freeze({ userId: 'x-auth-user-id', role: 'x-auth-role' } as const);

/** The start of every `WWW-Authenticate` challenge the platform answers with (the gateway's, and the order service's). */
export const AUTH_CHALLENGE = 'Bearer realm="ecom-api"';

/** A user id as text (a token's `sub`, the `x-auth-user-id` header): a positive whole number, no sign, no leading zero. */
const USER_ID_PATTERN = /^[1-9]\d{0,15}$/;

/** A user id as text, parsed to the number it names (at most 2^53 − 1, so it survives JSON and MySQL). */
export const userIdText = z
  .string()
  .regex(USER_ID_PATTERN, 'must be a positive whole number')
  .transform(Number)
  .pipe(z.number().max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`));

/** The claims' defaults, shared by whoever signs (the CLI, the launcher, tests) and the gateway that verifies. */
export const DEFAULT_ISSUER = 'ecom-platform';
export const DEFAULT_AUDIENCE = 'ecom-api';
