import { generateRsaKeyPair, generateSigningSecret } from '@ecom/auth';
import { ConfigError } from '@ecom/service-kit/config';
import { loadConfig } from '../src/config';

/** The gateway's AUTH_* variables, read by loadConfig. */
describe('gateway auth configuration', () => {
  let publicKeyPem: string;
  beforeAll(async () => {
    ({ publicKeyPem } = await generateRsaKeyPair());
  });

  const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return [...error.problems];
      throw error;
    }
    return [];
  };

  it('when only a secret is set, then auth is on with HS256 and the default issuer, audience and tolerance', () => {
    const secret = generateSigningSecret();

    expect(loadConfig({ AUTH_HS256_SECRET: secret }).auth).toEqual({
      enabled: true,
      key: { algorithm: 'HS256', secret },
      issuer: 'ecom-platform',
      audience: 'ecom-api',
      clockToleranceSeconds: 30,
    });
  });

  it('when an RS256 public key is given with its newlines written as \\n, then it is read as the PEM', () => {
    const config = loadConfig({
      AUTH_RS256_PUBLIC_KEY: publicKeyPem.replace(/\n/g, '\\n'),
      AUTH_ISSUER: 'https://idp',
    });

    expect(config.auth).toMatchObject({
      key: { algorithm: 'RS256', publicKeyPem: publicKeyPem.trim() },
      issuer: 'https://idp',
    });
  });

  it('when a JWKS URL is given, then the key comes from it', () => {
    const config = loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' });

    expect(config.auth).toMatchObject({
      key: { algorithm: 'RS256', jwksUrl: 'https://idp.example.com/.well-known/jwks.json' },
    });
  });

  it.each(['http://idp.example.com/jwks.json', 'http://127.0.0.1.example.com/jwks', 'http://localhost.example/jwks'])(
    'when the JWKS URL %p is plain http to a host that is not loopback, then the gateway refuses to start and says https',
    (url) => {
      expect(problemsOf({ AUTH_JWKS_URL: url })).toEqual([
        expect.stringMatching(/^AUTH_JWKS_URL: must be an https URL/),
      ]);
    },
  );

  it.each(['http://127.0.0.1:8080/jwks.json', 'http://[::1]:8080/jwks.json', 'http://localhost/jwks.json'])(
    'when the JWKS URL %p is plain http to a loopback host (tests), then it is accepted',
    (url) => {
      expect(loadConfig({ AUTH_JWKS_URL: url }).auth).toMatchObject({ key: { algorithm: 'RS256', jwksUrl: url } });
    },
  );

  it('when AUTH_ENABLED is false, then no key is needed and auth is off', () => {
    expect(loadConfig({ AUTH_ENABLED: 'false' }).auth).toEqual({ enabled: false });
  });

  it('when no key source is set, then the gateway refuses to start and says how to set one, or turn auth off', () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(
        /needs exactly one of AUTH_HS256_SECRET, AUTH_RS256_PUBLIC_KEY, AUTH_JWKS_URL \(none is set\).*AUTH_ENABLED=false/,
      ),
    ]);
  });

  it('when two key sources are set, then the gateway refuses to start and names both', () => {
    const problems = problemsOf({ AUTH_HS256_SECRET: generateSigningSecret(), AUTH_JWKS_URL: 'https://idp/jwks' });

    expect(problems).toEqual([expect.stringContaining('(AUTH_HS256_SECRET and AUTH_JWKS_URL are set)')]);
  });

  it('when the secret is shorter than 32 characters, then it is refused without being shown', () => {
    const problems = problemsOf({ AUTH_HS256_SECRET: 'hunter2-but-longer' });

    expect(problems).toEqual([
      'AUTH_HS256_SECRET: must be at least 32 characters (got 18 characters; the value is not shown)',
    ]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('when auth is off, then a short secret is not read and the gateway starts', () => {
    const problems = problemsOf({ AUTH_HS256_SECRET: 'hunter2-but-longer', AUTH_ENABLED: 'false' });

    expect(problems).toEqual([]);
  });

  it.each([
    ['AUTH_CLOCK_TOLERANCE_SECONDS', '301'],
    ['AUTH_CLOCK_TOLERANCE_SECONDS', '-1'],
    ['AUTH_RS256_PUBLIC_KEY', 'not a key'],
    ['AUTH_RS256_PUBLIC_KEY', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'],
    ['AUTH_JWKS_URL', 'ftp://idp/jwks'],
    ['AUTH_ENABLED', 'maybe'],
  ])('when %s is %p, then the gateway refuses to start and names it', (name, value) => {
    const problems = problemsOf({ AUTH_HS256_SECRET: generateSigningSecret(), [name]: value });

    expect(problems.some((problem) => problem.startsWith(`${name}:`))).toBe(true);
  });
});
