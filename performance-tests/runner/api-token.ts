/**
 * The bearer token of a benchmark: every request a benchmark sends through the gateway carries
 * it (k6 through API_TOKEN, the runner's own calls through {@link authorizationHeaders}). An admin
 * token, because the load places orders for many user ids (k6's order mix) and writes the
 * catalogue; the gateway verifies it on every protected route, so its cost is in every figure.
 */
import { signToken, type SigningKey } from '@ecom/auth';

/**
 * A scaling run lasts hours: a token that expired mid-run would turn the rest of it into 401s.
 * A day covers the longest run; the token is minted per run and never leaves the machine.
 */
export const BENCHMARK_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/** The user id the benchmark's admin token names (an admin acts for any user id). */
const BENCHMARK_ADMIN_USER_ID = 1;

/**
 * The token a run sends: API_TOKEN from the environment when given (a system the runner did not
 * start, e.g. BASE_URL on AWS or Docker Compose), else an admin token signed with the launched
 * system's key, else none (the system runs with auth off).
 */
export async function resolveApiToken(
  system: { readonly signingKey?: SigningKey | undefined } | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (env['API_TOKEN']) return env['API_TOKEN'];
  if (!system?.signingKey) return undefined;
  return signToken({
    key: system.signingKey,
    role: 'admin',
    userId: BENCHMARK_ADMIN_USER_ID,
    ttlSeconds: BENCHMARK_TOKEN_TTL_SECONDS,
  });
}

/** k6's part of it: API_TOKEN when there is a token (k6/lib/http.js sends it on every request). */
export function k6TokenEnv(token: string | undefined): Record<string, string> {
  return token ? { API_TOKEN: token } : {};
}

/** Headers for a request of the runner's own through the gateway: the token's, or none. */
export function authorizationHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}
