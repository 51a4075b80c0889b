/**
 * `npm run aws -- token --role admin` or `--user 42`: a bearer token for the deployed gateway,
 * signed with the environment's private key (Secrets Manager), printed alone on stdout so that
 * scripts can use it: `curl -H "authorization: Bearer $(npm run -s aws -- token --role admin)"`.
 */
import { ROLES, type Role } from '@ecom/auth';
import { UsageError, connect } from './aws-cli';
import { mintToken, readTokenSigner } from './auth-keys';

export interface TokenOptions {
  readonly environment: string;
  readonly region?: string;
  readonly role: Role;
  readonly userId: number;
  readonly ttlSeconds: number;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** The user id of an admin token when none is given (operators act for any user). */
export const ADMIN_USER_ID = 1;

/** `--role` / `--user` / `--ttl` as parsed by parseArgs; a customer token needs its user. */
export function parseTokenOptions(values: { role?: string; user?: string; ttl?: string }) {
  const role = (values.role ?? (values.user === undefined ? undefined : 'customer')) as Role | undefined;
  if (role === undefined || !ROLES.includes(role)) {
    throw new UsageError(`token: --role ${ROLES.join('|')} or --user <id> (a customer)`);
  }
  const userId = values.user === undefined ? (role === 'admin' ? ADMIN_USER_ID : NaN) : Number(values.user);
  if (!Number.isSafeInteger(userId) || userId < 1) throw new UsageError('token: --user must be a positive integer');
  const ttlSeconds = values.ttl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : Number(values.ttl);
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw new UsageError('token: --ttl must be seconds, > 0');
  return { role, userId, ttlSeconds };
}

export async function printToken(options: TokenOptions): Promise<void> {
  const { cli } = await connect(options.region);
  const signer = await readTokenSigner(cli, options.environment);
  if (!signer) {
    throw new Error(
      `the gateway of "${options.environment}" runs without auth (services.AuthEnabled=false): no token needed`,
    );
  }
  process.stdout.write(`${await mintToken(signer, options)}\n`);
}
