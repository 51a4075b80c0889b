/**
 * The token command, shared by `npm run token` (the launcher adds the development secret) and the
 * gateway image (`node libraries/auth/dist/token.cli.js`, which Docker Compose runs):
 * - `[--role customer|admin] [--user <id>] [--ttl <s>] [--env-file <path>] [--out <path>]`: a
 *   token signed with AUTH_HS256_SECRET, read from the env file when one is named, else from the
 *   environment, else from the caller's fallback; alone on stdout, or in the `--out` file (0644,
 *   for a reader of another user id, as Compose's k6 is);
 * - `init-env-file <path>`: adds `AUTH_HS256_SECRET=<new secret>` to the file (made 0600) unless it
 *   already holds one, so a Compose volume keeps one secret across restarts.
 * AUTH_ISSUER and AUTH_AUDIENCE, when set in the same place as the secret, are the token's.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, parseEnv } from 'node:util';
import { ROLES, type Role } from './identity';
import { signToken } from './sign-token';
import { generateSigningSecret } from './signing-keys';

const TOKEN_USAGE = `usage: npm run -s token -- [--role customer|admin] [--user <id>] [--ttl <seconds>] [--env-file <path>] [--out <path>]
       node libraries/auth/dist/token.cli.js init-env-file <path>
  --role      customer (default) or admin
  --user      the user id the token names (the token's subject); a customer needs it, an admin is 1 by default
  --ttl       seconds until it expires; default 3600
  --env-file  read AUTH_HS256_SECRET (and AUTH_ISSUER, AUTH_AUDIENCE) from this file
  --out       write the token into this file instead of stdout (mode 0644: Compose's k6 runs as
              another user; the file is as sensitive as the token, which expires after --ttl)
The token is signed with AUTH_HS256_SECRET (from --env-file, else the environment); npm run token
falls back to the development secret of npm start (.data/auth/dev-secret).`;

/** A mistake in the arguments; the message is for the person who typed them. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface TokenArguments {
  readonly role: Role;
  readonly userId: number;
  readonly ttlSeconds: number;
  readonly envFile?: string;
  readonly out?: string;
}

/** Where the secret comes from when neither --env-file nor AUTH_HS256_SECRET names one. */
export type FallbackSecret = () => string;

export function parseTokenArguments(argv: readonly string[]): TokenArguments {
  const { values } = parseTokenArgv(argv);
  if (values.role === undefined && values.user === undefined) throw new UsageError('say --role or --user');
  const role = values.role ?? 'customer';
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be ${ROLES.join(' or ')}`);
  // A customer acts for one user, so the token must say which; an admin acts for any (its own id: 1).
  if (role === 'customer' && values.user === undefined) throw new UsageError('a customer needs --user <id>');
  return {
    role: role as Role,
    userId: positiveInteger('--user', values.user ?? '1'),
    ttlSeconds: positiveInteger('--ttl', values.ttl ?? '3600'),
    ...(values['env-file'] !== undefined && { envFile: values['env-file'] }),
    ...(values.out !== undefined && { out: values.out }),
  };
}

/** The token `argv` asks for, signed for the gateway that `env` (or the env file) describes. */
export function tokenFor(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  fallback?: FallbackSecret,
): Promise<string> {
  return signFor(parseTokenArguments(argv), env, fallback);
}

async function signFor(
  { role, userId, ttlSeconds, envFile }: TokenArguments,
  env: NodeJS.ProcessEnv,
  fallback: FallbackSecret | undefined,
): Promise<string> {
  const settings = envFile === undefined ? env : parseEnv(readFileSync(envFile, 'utf8'));
  const secret = settings['AUTH_HS256_SECRET'] || (envFile === undefined ? fallback?.() : undefined);
  if (!secret) throw new Error(`no AUTH_HS256_SECRET in ${envFile ?? 'the environment'}`);
  const issuer = settings['AUTH_ISSUER'] || undefined;
  const audience = settings['AUTH_AUDIENCE'] || undefined;
  return signToken({ key: { algorithm: 'HS256', secret }, role, userId, ttlSeconds, issuer, audience });
}

/**
 * Adds a new secret to `file` unless it holds one already (other lines are kept); true when it
 * wrote. The file is made readable by its owner only, whatever its mode was.
 */
export function initEnvFile(file: string): boolean {
  const existing = readIfPresent(file) ?? '';
  if (parseEnv(existing)['AUTH_HS256_SECRET']) return false;
  const before = existing === '' || existing.endsWith('\n') ? existing : `${existing}\n`;
  writeFileSync(file, `${before}AUTH_HS256_SECRET=${generateSigningSecret()}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return true;
}

/** The command itself: the token on stdout (or --out), or the problem and the usage on stderr. */
export async function runTokenCommand(argv: readonly string[], fallback?: FallbackSecret): Promise<number> {
  try {
    if (argv[0] === 'init-env-file') {
      if (argv.length !== 2) throw new UsageError('init-env-file takes one path');
      const wrote = initEnvFile(argv[1]!);
      process.stderr.write(`token: ${wrote ? 'wrote a new secret into' : 'kept the secret in'} ${argv[1]}\n`);
      return 0;
    }
    const args = parseTokenArguments(argv);
    const token = await signFor(args, process.env, fallback);
    const { out } = args;
    if (out === undefined) process.stdout.write(`${token}\n`);
    else writeFileSync(out, `${token}\n`, { mode: 0o644 });
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError ? `\n${TOKEN_USAGE}` : '';
    process.stderr.write(`token: ${(error as Error).message}${usage}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function parseTokenArgv(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        role: { type: 'string' },
        user: { type: 'string' },
        ttl: { type: 'string' },
        'env-file': { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
