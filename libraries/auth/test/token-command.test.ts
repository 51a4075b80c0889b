/** The token command (npm run token, and the gateway image's token.cli.js that Compose runs). */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTokenVerifier,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  generateSigningSecret,
  initEnvFile,
  parseTokenArguments,
  runTokenCommand,
  tokenFor,
  UsageError,
} from '@ecom/auth';

const verifierFor = (secret: string, issuer = DEFAULT_ISSUER, audience = DEFAULT_AUDIENCE) =>
  createTokenVerifier({ key: { algorithm: 'HS256', secret }, issuer, audience, clockToleranceSeconds: 0 });
const scratch = () => mkdtempSync(path.join(tmpdir(), 'token-command-'));

/** Runs the command with stdout and stderr captured. */
async function run(argv: string[], fallback?: () => string) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  try {
    const code = await runTokenCommand(argv, fallback);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('the token command', () => {
  it.each([
    [['--role', 'admin'], { role: 'admin', userId: 1, ttlSeconds: 3600 }],
    [['--user', '42'], { role: 'customer', userId: 42, ttlSeconds: 3600 }],
    [
      ['--user', '7', '--role', 'admin', '--ttl', '60', '--env-file', 'a.env', '--out', 't'],
      { role: 'admin', userId: 7, ttlSeconds: 60, envFile: 'a.env', out: 't' },
    ],
  ])('when called with %p, then it asks for %p', (argv, expected) => {
    expect(parseTokenArguments(argv)).toEqual(expected);
  });

  it.each([
    [[]],
    [['--role', 'root']],
    [['--user', '0']],
    [['--user', 'x']],
    [['--ttl', '1.5', '--user', '1']],
    [['--who']],
    [['--role', 'customer']],
  ])('when called with %p, then it is a usage error', (argv) => {
    expect(() => parseTokenArguments(argv)).toThrow(UsageError);
  });

  it('when AUTH_HS256_SECRET, AUTH_ISSUER and AUTH_AUDIENCE are set, then the token is signed for them', async () => {
    const env = { AUTH_HS256_SECRET: generateSigningSecret(), AUTH_ISSUER: 'me', AUTH_AUDIENCE: 'you' };

    const token = await tokenFor(['--user', '42'], env, () => 'not-this-one');

    await expect(verifierFor(env.AUTH_HS256_SECRET, 'me', 'you')(token)).resolves.toEqual({
      userId: 42,
      role: 'customer',
    });
  });

  it('when nothing sets a secret, then the fallback signs, and without one it is an error', async () => {
    const secret = generateSigningSecret();

    await expect(verifierFor(secret)(await tokenFor(['--role', 'admin'], {}, () => secret))).resolves.toEqual({
      userId: 1,
      role: 'admin',
    });
    await expect(tokenFor(['--role', 'admin'], {})).rejects.toThrow('no AUTH_HS256_SECRET in the environment');
  });

  it('when init-env-file runs twice and a token is made from the file into --out, then one secret is kept and the token verifies with it', async () => {
    const dir = scratch();
    const envFile = path.join(dir, 'auth.env');
    const tokenFile = path.join(dir, 'admin.token');

    const first = await run(['init-env-file', envFile]);
    const written = readFileSync(envFile, 'utf8');
    const second = await run(['init-env-file', envFile]);
    const made = await run(['--role', 'admin', '--env-file', envFile, '--out', tokenFile]);

    expect([first.code, second.code, made.code]).toEqual([0, 0, 0]);
    expect(readFileSync(envFile, 'utf8')).toBe(written);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o644);
    expect(made.out).toBe('');
    const secret = /^AUTH_HS256_SECRET=(.+)$/m.exec(written)![1]!;
    await expect(verifierFor(secret)(readFileSync(tokenFile, 'utf8').trim())).resolves.toEqual({
      userId: 1,
      role: 'admin',
    });
  });

  it('when the env file exists without a secret, then it cannot sign, and init-env-file adds one, keeps the other lines and makes the file 0600', async () => {
    const envFile = path.join(scratch(), 'auth.env');
    writeFileSync(envFile, 'OTHER=1\n');
    await expect(tokenFor(['--role', 'admin', '--env-file', envFile], {}, () => 'fallback')).rejects.toThrow(
      `no AUTH_HS256_SECRET in ${envFile}`,
    );

    chmodSync(envFile, 0o644);

    expect(initEnvFile(envFile)).toBe(true);
    expect(readFileSync(envFile, 'utf8')).toMatch(/^OTHER=1\nAUTH_HS256_SECRET=[\w-]{43}\n$/);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
  });

  it('when the command succeeds or fails, then stdout gets the token alone and stderr the problem with the usage', async () => {
    const secret = generateSigningSecret();

    const ok = await run(['--role', 'admin'], () => secret);
    const wrong = await run(['--role', 'boss'], () => secret);
    const noPath = await run(['init-env-file']);

    expect([ok.code, wrong.code, noPath.code]).toEqual([0, 2, 2]);
    await expect(verifierFor(secret)(ok.out.trim())).resolves.toEqual({ userId: 1, role: 'admin' });
    expect(ok.out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(wrong.err).toMatch(/--role must be customer or admin\nusage: npm run -s token/);
    expect(noPath.err).toMatch(/init-env-file takes one path/);
  });
});
