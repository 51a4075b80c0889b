/**
 * The HS256 secret of the system `npm start` runs, shared with `npm run token`: AUTH_HS256_SECRET
 * when the environment sets it, else a development secret made once and kept in
 * `$ECOM_DATA_DIR/auth/dev-secret` (default `.data/auth/dev-secret`, git-ignored, mode 0600).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSigningSecret, MIN_HS256_SECRET_LENGTH } from '@ecom/auth';
import { dataDirectory } from '../repository-root';

export interface LocalSecret {
  readonly secret: string;
  /** Where it came from, for messages: `AUTH_HS256_SECRET` or the file's path. */
  readonly source: string;
}

export function devSecretPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDirectory(env), 'auth', 'dev-secret');
}

/** AUTH_HS256_SECRET, else the development secret (made on first use). */
export function localSigningSecret(env: NodeJS.ProcessEnv = process.env): LocalSecret {
  const fromEnv = env['AUTH_HS256_SECRET'];
  if (fromEnv !== undefined && fromEnv !== '') return { secret: fromEnv, source: 'AUTH_HS256_SECRET' };
  const file = devSecretPath(env);
  return { secret: readOrCreateSecret(file), source: file };
}

/**
 * The secret in `file`, or a new one written there first. `wx` creates the file only if it does
 * not exist, so two starts at once agree on the one that won.
 */
function readOrCreateSecret(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${generateSigningSecret()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_HS256_SECRET_LENGTH) {
    throw new Error(
      `${file} holds a secret shorter than ${MIN_HS256_SECRET_LENGTH} characters: delete it to get a new one`,
    );
  }
  return secret;
}
