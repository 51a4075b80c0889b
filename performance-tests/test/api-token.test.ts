/**
 * The token of a perf run: the environment every k6 run starts from carries an admin token
 * signed with the launched system's key, so k6 (API_TOKEN) and the runner's own calls through the
 * gateway are let in; a token given in the environment (a system the runner did not start) is
 * used as it is; with auth off there is none.
 */
import { createTokenVerifier, DEFAULT_AUDIENCE, DEFAULT_ISSUER, generateSigningSecret } from '@ecom/auth';
import { authorizationHeaders, BENCHMARK_TOKEN_TTL_SECONDS, resolveApiToken } from '../runner/api-token';
import { baseK6Env, type K6System } from '../runner/run-context';

const system = (signingKey: K6System['signingKey']): K6System => ({
  orderServiceUrl: 'http://127.0.0.1:1001',
  noopGatewayUrl: 'http://127.0.0.1:1002',
  bareHttpUrl: 'http://127.0.0.1:1003',
  signingKey,
});

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };

describe("a perf run's bearer token", () => {
  test('when the launched system has a signing key, then the env built for k6 holds an admin token that key verifies', async () => {
    const secret = generateSigningSecret();

    const env = await baseK6Env('http://127.0.0.1:1000', 'hot', system({ algorithm: 'HS256', secret }), {});

    expect(env).toMatchObject({
      BASE_URL: 'http://127.0.0.1:1000',
      DATASET: 'hot',
      ORDER_SERVICE_URL: 'http://127.0.0.1:1001',
      NOOP_GATEWAY_URL: 'http://127.0.0.1:1002',
      BARE_HTTP_URL: 'http://127.0.0.1:1003',
      API_TOKEN: expect.any(String),
    });
    const verify = await createTokenVerifier({
      key: { algorithm: 'HS256', secret },
      issuer: DEFAULT_ISSUER,
      audience: DEFAULT_AUDIENCE,
      clockToleranceSeconds: 0,
    });
    await expect(verify(env['API_TOKEN']!)).resolves.toEqual({ userId: 1, role: 'admin' });
    const { iat, exp } = claimsOf(env['API_TOKEN']!);
    expect(exp - iat).toBe(BENCHMARK_TOKEN_TTL_SECONDS); // outlasts the longest run (a scaling run: hours)
  });

  test('when another key verifies it, then the token is refused (it is signed with the system key, not a fixed one)', async () => {
    const env = await baseK6Env(
      'http://x',
      'default',
      system({ algorithm: 'HS256', secret: generateSigningSecret() }),
      {},
    );
    const verify = await createTokenVerifier({
      key: { algorithm: 'HS256', secret: generateSigningSecret() },
      issuer: DEFAULT_ISSUER,
      audience: DEFAULT_AUDIENCE,
      clockToleranceSeconds: 0,
    });

    await expect(verify(env['API_TOKEN']!)).rejects.toThrow();
  });

  test('when the environment gives API_TOKEN (BASE_URL on AWS or Compose), then that token is used as it is', async () => {
    const env = await baseK6Env('https://api.example.com', 'default', undefined, { API_TOKEN: 'given.by.operator' });

    expect(env).toEqual({ BASE_URL: 'https://api.example.com', DATASET: 'default', API_TOKEN: 'given.by.operator' });
  });

  test('when the system runs with auth off (no signing key) and no token is given, then k6 gets none', async () => {
    const env = await baseK6Env('http://127.0.0.1:1000', 'default', system(undefined), {});

    expect(env).not.toHaveProperty('API_TOKEN');
    expect(env['ORDER_SERVICE_URL']).toBe('http://127.0.0.1:1001');
    await expect(resolveApiToken(undefined, {})).resolves.toBeUndefined();
  });

  test('when the runner calls the gateway itself, then the token goes as a bearer header, and none without a token', () => {
    expect(authorizationHeaders('a.b.c')).toEqual({ authorization: 'Bearer a.b.c' });
    expect(authorizationHeaders(undefined)).toEqual({});
  });
});
