/** How the launcher sets up the gateway's authentication, and the secret npm start and `npm run token` share. */
import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSigningSecret } from '@ecom/auth';
import { planGatewayAuth, signingKeyOf } from '../src/auth/gateway-auth';
import { devSecretPath, localSigningSecret } from '../src/auth/local-signing-key';
import { describeAuth } from '../src/cli/foreground-run';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'launcher-auth-'));

describe('the development secret', () => {
  it('when there is none yet, then one is made once, 43 characters, readable by its owner only, and reused', () => {
    const env = { ECOM_DATA_DIR: dataDir() };

    const first = localSigningSecret(env);
    const second = localSigningSecret(env);

    expect(first.source).toBe(devSecretPath(env));
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.secret).toBe(first.secret);
    expect(readFileSync(devSecretPath(env), 'utf8').trim()).toBe(first.secret);
    expect(statSync(devSecretPath(env)).mode & 0o777).toBe(0o600);
  });

  it('when AUTH_HS256_SECRET is set, then it is used and no file is made', () => {
    const env = { ECOM_DATA_DIR: dataDir(), AUTH_HS256_SECRET: generateSigningSecret() };

    expect(localSigningSecret(env)).toEqual({ secret: env.AUTH_HS256_SECRET, source: 'AUTH_HS256_SECRET' });
    expect(() => statSync(devSecretPath(env))).toThrow();
  });

  it('when the file holds a secret too short for the gateway, then the launcher says to delete it', () => {
    const env = { ECOM_DATA_DIR: dataDir() };
    mkdirSync(path.dirname(devSecretPath(env)), { recursive: true });
    writeFileSync(devSecretPath(env), 'short\n');

    expect(() => localSigningSecret(env)).toThrow(/shorter than 32 characters: delete it/);
  });
});

describe('planGatewayAuth', () => {
  it('when a copy is started, then it gets a fresh HS256 secret every time, whatever the environment says', () => {
    const env = { AUTH_ENABLED: 'false', AUTH_JWKS_URL: 'https://issuer.example/jwks.json' };

    const first = planGatewayAuth(true, undefined, env);
    const second = planGatewayAuth(true, undefined, env);

    expect(first).toEqual({ mode: 'hs256', secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(second).not.toEqual(first);
    expect(signingKeyOf(first)).toEqual({ algorithm: 'HS256', secret: (first as { secret: string }).secret });
  });

  it.each([
    ['a copy started with auth: false', true, false, {}],
    ['npm start with auth: false', false, false, {}],
    ['npm start with AUTH_ENABLED=false', false, undefined, { AUTH_ENABLED: 'false' }],
  ])('when %s, then authentication is off and there is no signing key', (_case, copy, enabled, env) => {
    const auth = planGatewayAuth(copy, enabled, env);

    expect(auth).toEqual({ mode: 'off' });
    expect(signingKeyOf(auth)).toBeUndefined();
  });

  it('when npm start runs with an RS256 key or a JWKS URL of its own, then the gateway uses them and the launcher signs nothing', () => {
    const auth = planGatewayAuth(false, undefined, { AUTH_JWKS_URL: 'https://issuer.example/jwks.json' });

    expect(auth).toEqual({ mode: 'environment' });
    expect(signingKeyOf(auth)).toBeUndefined();
  });

  it('when npm start runs with nothing set, then it uses the development secret', () => {
    const env = { ECOM_DATA_DIR: dataDir() };

    expect(planGatewayAuth(false, undefined, env)).toEqual({ mode: 'hs256', secret: localSigningSecret(env).secret });
  });
});

describe('describeAuth (npm start’s summary)', () => {
  const ports = { 'product-service': 3001, 'order-service': 3002, 'order-worker': 3003, gateway: 8080 };

  it('when the launcher holds the key, then it says where the secret is and how to get a token', () => {
    const lines = describeAuth({ ports, authMode: 'hs256' }, { ECOM_DATA_DIR: '/d' });

    expect(lines.join('\n')).toContain('/d/auth/dev-secret');
    expect(lines.join('\n')).toContain('npm run -s token -- --role admin');
    expect(lines.join('\n')).toContain('http://localhost:8080/orders');
  });

  it('when the secret comes from AUTH_HS256_SECRET, then it says so', () => {
    const lines = describeAuth({ ports, authMode: 'hs256' }, { AUTH_HS256_SECRET: 's' });

    expect(lines[0]).toContain('AUTH_HS256_SECRET');
  });

  it.each([
    [{ AUTH_RS256_PUBLIC_KEY: 'pem' }, /AUTH_RS256_PUBLIC_KEY/],
    [{ AUTH_ENABLED: 'false' }, /OFF/],
    [{ AUTH_ENABLED: 'false', AUTH_JWKS_URL: 'https://issuer.example/jwks' }, /OFF/],
  ])('when the launcher holds no key (%p), then it says how tokens are checked, or that they are not', (env, said) => {
    const authMode = planGatewayAuth(false, undefined, env).mode;
    expect(describeAuth({ ports, authMode }, env).join('\n')).toMatch(said);
  });
});
