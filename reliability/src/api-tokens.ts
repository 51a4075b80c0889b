/**
 * Bearer tokens for requests through a test system's gateway, signed with the key the launcher
 * gave that copy of the system (`signingKey`; undefined when its auth is off, and then no token is
 * sent). Admin tokens act for many users (the mixed load, the fuzzer, seeding the catalogue);
 * customer tokens are for tests about one customer.
 */
import { signToken, type Role, type SigningKey } from '@ecom/auth';

/** The user id of the operator whose admin token the suites use. */
export const OPERATOR_USER_ID = 1;

/** Long enough for the longest run (`npm run reliability`, `npm run fuzz`), short enough to be a real expiry. */
const RUN_TOKEN_TTL_SECONDS = 6 * 3600;

export type AuthHeaders = Readonly<Record<string, string>>;

/** A token of `role` for `userId`; undefined when the system runs without auth. */
export async function tokenFor(
  signingKey: SigningKey | undefined,
  role: Role,
  userId: number,
): Promise<string | undefined> {
  if (signingKey === undefined) return undefined;
  return signToken({ key: signingKey, role, userId, ttlSeconds: RUN_TOKEN_TTL_SECONDS });
}

/** `Authorization: Bearer <token>`, or no header without a token. */
export function bearerHeaders(token: string | undefined): AuthHeaders {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** The headers of a token of `role` for `userId` (none when the system runs without auth). */
export async function authHeaders(
  signingKey: SigningKey | undefined,
  role: Role,
  userId: number,
): Promise<AuthHeaders> {
  return bearerHeaders(await tokenFor(signingKey, role, userId));
}
