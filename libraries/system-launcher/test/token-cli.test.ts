/** `npm run token`: a token the local gateway accepts, alone on stdout (the command itself: @ecom/auth's token-command tests). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTokenVerifier, DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '@ecom/auth';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { localSigningSecret } from '../src/auth/local-signing-key';

const verifierFor = (secret: string) =>
  createTokenVerifier({
    key: { algorithm: 'HS256', secret },
    issuer: DEFAULT_ISSUER,
    audience: DEFAULT_AUDIENCE,
    clockToleranceSeconds: 0,
  });

describe('npm run token', () => {
  it('when run as `npm run -s token` with no secret set, then stdout is one token signed with the development secret', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ECOM_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'token-cli-')) };
    delete env['AUTH_HS256_SECRET'];
    delete env['AUTH_ISSUER'];
    delete env['AUTH_AUDIENCE'];

    const result = spawnSync('npm', ['run', '-s', 'token', '--', '--user', '42'], {
      cwd: REPOSITORY_ROOT,
      env,
      encoding: 'utf8',
    });

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { secret } = localSigningSecret(env);
    await expect(verifierFor(secret)(result.stdout.trim())).resolves.toEqual({ userId: 42, role: 'customer' });
  });
});
