import { createHmac, createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTokenVerifier,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  generateRsaKeyPair,
  generateSigningSecret,
  InvalidTokenError,
  signToken,
  type SigningKey,
  type VerificationKey,
} from '@ecom/auth';

const secret = generateSigningSecret();
const hsKey: SigningKey = { algorithm: 'HS256', secret };
const hsVerification: VerificationKey = { algorithm: 'HS256', secret };
const defaults = { issuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE, clockToleranceSeconds: 30 };

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

/** A token signed by hand with the given header and claims (HMAC-SHA256 over the secret). */
function forgeHs256(header: object, claims: object, key: string): string {
  const body = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

describe('signing secrets', () => {
  it('when a secret is generated, then it is 32 random bytes as base64url, different every time', () => {
    const first = generateSigningSecret();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(first);
  });
});

describe('signToken', () => {
  it('when a token is signed, then it carries sub, role, iss, aud, iat and exp one hour apart', async () => {
    const token = await signToken({ key: hsKey, role: 'customer', userId: 42 });

    expect(decodePart(token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodePart(token, 1);
    expect(claims).toMatchObject({ sub: '42', role: 'customer', iss: DEFAULT_ISSUER, aud: DEFAULT_AUDIENCE });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
  });

  it('when a ttl, issuer and audience are given, then the token uses them', async () => {
    const token = await signToken({ key: hsKey, role: 'admin', userId: 1, ttlSeconds: 60, issuer: 'i', audience: 'a' });

    const claims = decodePart(token, 1);
    expect(claims).toMatchObject({ iss: 'i', aud: 'a', role: 'admin' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);
  });

  it.each([0, -1, 1.5, Number.NaN])('when the user id is %p, then signing is refused', async (userId) => {
    await expect(signToken({ key: hsKey, role: 'customer', userId })).rejects.toThrow(RangeError);
  });

  it.each([0, 2.5])('when the ttl is %p, then signing is refused', async (ttlSeconds) => {
    await expect(signToken({ key: hsKey, role: 'customer', userId: 1, ttlSeconds })).rejects.toThrow(RangeError);
  });
});

describe('createTokenVerifier with HS256', () => {
  it('when a token signed with the secret is verified, then the identity comes back', async () => {
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });

    await expect(verify(await signToken({ key: hsKey, role: 'customer', userId: 42 }))).resolves.toEqual({
      userId: 42,
      role: 'customer',
    });
  });

  it.each([
    ['another secret', { key: { algorithm: 'HS256', secret: generateSigningSecret() } as SigningKey }],
    ['another issuer', { issuer: 'someone-else' }],
    ['another audience', { audience: 'another-api' }],
  ])('when the token was signed with %s, then it is refused', async (_case, overrides) => {
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });
    const token = await signToken({ key: hsKey, role: 'admin', userId: 1, ...overrides });

    await expect(verify(token)).rejects.toThrow(InvalidTokenError);
  });

  it('when the user id is the largest safe integer, then it comes back exactly', async () => {
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });
    const token = await signToken({ key: hsKey, role: 'customer', userId: Number.MAX_SAFE_INTEGER });

    await expect(verify(token)).resolves.toEqual({ userId: Number.MAX_SAFE_INTEGER, role: 'customer' });
  });

  it('when the token expired beyond the clock tolerance, then it is refused as expired', async () => {
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });
    const token = forgeHs256(
      { alg: 'HS256' },
      {
        sub: '1',
        role: 'admin',
        iss: DEFAULT_ISSUER,
        aud: DEFAULT_AUDIENCE,
        iat: nowSeconds() - 120,
        exp: nowSeconds() - 60,
      },
      secret,
    );

    await expect(verify(token)).rejects.toMatchObject({ name: 'InvalidTokenError', reason: 'ERR_JWT_EXPIRED' });
  });

  it('when the token expired within the clock tolerance, then it is accepted', async () => {
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });
    const token = forgeHs256(
      { alg: 'HS256' },
      {
        sub: '7',
        role: 'customer',
        iss: DEFAULT_ISSUER,
        aud: DEFAULT_AUDIENCE,
        iat: nowSeconds() - 60,
        exp: nowSeconds() - 10,
      },
      secret,
    );

    await expect(verify(token)).resolves.toEqual({ userId: 7, role: 'customer' });
  });

  it.each([
    ['has no exp', { exp: undefined }],
    ['has an unknown role', { role: 'root' }],
    ['names no positive user id', { sub: 'alice' }],
    ['names a user id beyond 2^53 - 1', { sub: '9007199254740992' }],
  ])('when the token %s, then it is refused', async (_case, overrides) => {
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });
    const iat = nowSeconds();
    const claims = { sub: '1', role: 'admin', iss: DEFAULT_ISSUER, aud: DEFAULT_AUDIENCE, iat, exp: iat + 60 };
    // JSON.stringify drops the claims set to undefined.
    const token = forgeHs256({ alg: 'HS256' }, { ...claims, ...overrides }, secret);

    await expect(verify(token)).rejects.toThrow(InvalidTokenError);
  });

  it('when the token is unsigned (alg: none), then it is refused', async () => {
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });
    const iat = nowSeconds();
    const claims = { sub: '1', role: 'admin', iss: DEFAULT_ISSUER, aud: DEFAULT_AUDIENCE, iat, exp: iat + 60 };
    const token = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

    await expect(verify(token)).rejects.toThrow(InvalidTokenError);
  });

  it('when the token is not a JWT at all, then it is refused', async () => {
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });

    await expect(verify('not-a-token')).rejects.toMatchObject({ reason: 'ERR_JWS_INVALID' });
  });
});

describe('createTokenVerifier with RS256', () => {
  it('when a token signed with the private key is verified with the public key, then the identity comes back', async () => {
    const { privateKeyPem, publicKeyPem } = await generateRsaKeyPair();
    const verify = createTokenVerifier({ key: { algorithm: 'RS256', publicKeyPem }, ...defaults });

    expect(privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(publicKeyPem).toContain('BEGIN PUBLIC KEY');
    const token = await signToken({ key: { algorithm: 'RS256', privateKeyPem }, role: 'admin', userId: 9 });
    expect(decodePart(token, 0)).toMatchObject({ alg: 'RS256' });
    await expect(verify(token)).resolves.toEqual({ userId: 9, role: 'admin' });
  });

  it('when a token is HS256-signed with the public key as the secret (algorithm confusion), then it is refused', async () => {
    const { publicKeyPem } = await generateRsaKeyPair();
    const verify = createTokenVerifier({ key: { algorithm: 'RS256', publicKeyPem }, ...defaults });
    const token = await signToken({ key: { algorithm: 'HS256', secret: publicKeyPem }, role: 'admin', userId: 1 });

    await expect(verify(token)).rejects.toMatchObject({ reason: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  it('when an RS256 token meets an HS256 verifier, then it is refused', async () => {
    const { privateKeyPem } = await generateRsaKeyPair();
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });
    const token = await signToken({ key: { algorithm: 'RS256', privateKeyPem }, role: 'admin', userId: 1 });

    await expect(verify(token)).rejects.toMatchObject({ reason: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });
});

describe('createTokenVerifier with a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let jwks: { keys: object[] } | string = { keys: [] };

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(typeof jwks === 'string' ? jwks : JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('when the key set holds the signing key, then the token is accepted, and with another key it is refused', async () => {
    const signing = await generateRsaKeyPair();
    const other = await generateRsaKeyPair();
    jwks = { keys: [{ ...createPublicKey(signing.publicKeyPem).export({ format: 'jwk' }), alg: 'RS256', use: 'sig' }] };
    const verify = createTokenVerifier({ key: { algorithm: 'RS256', jwksUrl }, ...defaults });

    const good = await signToken({
      key: { algorithm: 'RS256', privateKeyPem: signing.privateKeyPem },
      role: 'customer',
      userId: 5,
    });
    const forged = await signToken({
      key: { algorithm: 'RS256', privateKeyPem: other.privateKeyPem },
      role: 'admin',
      userId: 5,
    });
    await expect(verify(good)).resolves.toEqual({ userId: 5, role: 'customer' });
    await expect(verify(forged)).rejects.toThrow(InvalidTokenError);
  });

  it('when the key set cannot be read, then the error is the endpoint’s, not an invalid token', async () => {
    const { privateKeyPem } = await generateRsaKeyPair();
    jwks = 'not json';
    const verify = createTokenVerifier({ key: { algorithm: 'RS256', jwksUrl }, ...defaults });

    const token = await signToken({ key: { algorithm: 'RS256', privateKeyPem }, role: 'admin', userId: 1 });
    const failure = verify(token);
    await expect(failure).rejects.toThrow();
    await expect(failure).rejects.not.toBeInstanceOf(InvalidTokenError);
  });
});

describe('the verified-token cache', () => {
  afterEach(() => jest.useRealTimers());

  it('when a verified token expires, then it is refused although it was verified before', async () => {
    const start = Date.now();
    jest.useFakeTimers({ now: start, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const verify = createTokenVerifier({ key: hsVerification, ...defaults });
    const token = await signToken({ key: hsKey, role: 'customer', userId: 3, ttlSeconds: 60 });
    await expect(verify(token)).resolves.toEqual({ userId: 3, role: 'customer' });

    jest.setSystemTime(start + 95_000); // past exp (60 s) and the clock tolerance (30 s)

    await expect(verify(token)).rejects.toMatchObject({ reason: 'ERR_JWT_EXPIRED' });
  });

  it.each([0, 1])(
    'when the cache holds %p tokens, then every token is still verified on its own',
    async (cacheSize) => {
      const verify = createTokenVerifier({ key: hsVerification, ...defaults, cacheSize });
      const first = await signToken({ key: hsKey, role: 'customer', userId: 1 });
      const second = await signToken({ key: hsKey, role: 'admin', userId: 2 });

      for (const round of [1, 2]) {
        await expect(verify(first)).resolves.toEqual({ userId: 1, role: 'customer' });
        await expect(verify(second)).resolves.toEqual({ userId: 2, role: 'admin' });
        expect(round).toBeGreaterThan(0);
      }
    },
  );
});

describe('a verifier with an unusable public key', () => {
  it('when the PEM is not a key, then verification fails, and not as an invalid token', async () => {
    const verify = createTokenVerifier({ key: { algorithm: 'RS256', publicKeyPem: 'not a pem' }, ...defaults });
    const { privateKeyPem } = await generateRsaKeyPair();

    const failure = verify(await signToken({ key: { algorithm: 'RS256', privateKeyPem }, role: 'admin', userId: 1 }));
    await expect(failure).rejects.toThrow(TypeError);
  });
});
