/**
 * `npm run aws -- token --role admin` or `--user 42`: a bearer token for the deployed gateway,
 * signed with the environment's private key (Secrets Manager), printed alone on stdout so that
 * scripts can use it: `curl -H "authorization: Bearer $(npm run -s aws -- token --role admin)"`.
 * Its arguments mean what they mean to `npm run token` (@ecom/auth's parseTokenArguments); only
 * where the key comes from differs (--env, --region: this tool's own options, parsed by aws.ts).
 */
import { parseTokenArguments, type Role } from '@ecom/auth';
import { UsageError, connect } from './aws-cli';
import { mintToken, readTokenSigner } from './auth-keys';

export interface TokenOptions {
  readonly environment: string;
  readonly region?: string;
  readonly role: Role;
  readonly userId: number;
  readonly ttlSeconds: number;
}

/** The token's options from parseArgs' `--role` / `--user` / `--ttl`, by @ecom/auth's rules. */
export function parseTokenOptions(values: { readonly role?: string; readonly user?: string; readonly ttl?: string }) {
  const argv = (['role', 'user', 'ttl'] as const).flatMap((name) => {
    const value = values[name];
    return value === undefined ? [] : [`--${name}=${value}`];
  });
  try {
    const { role, userId, ttlSeconds } = parseTokenArguments(argv);
    return { role, userId, ttlSeconds };
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`token: ${error.message}`);
    throw error;
  }
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
