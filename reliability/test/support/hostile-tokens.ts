/**
 * The hostile-input catalogue's bearer tokens: missing, malformed, forged, expired, not yet valid,
 * for another audience or issuer, unsigned (`alg: none`), with claims the gateway does not know,
 * and valid customer tokens on what customers may not do. Each case is a request an admin token
 * would have served (the control test in hostile-inputs-catalogue.test.ts sends one forged the
 * same way with nothing wrong), so its refusal is the token's doing.
 *
 * Tokens the library would not sign (already expired, `alg: none`, an unknown role) are put
 * together here with node:crypto, as an attacker would; the legitimate ones come from
 * `signToken` (@ecom/auth).
 */
import { createHmac } from 'node:crypto';
import {
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  generateSigningSecret,
  signToken,
  type SigningKey,
  type TokenRequest,
} from '@ecom/auth';
import { order, type HostileCase } from './hostile-cases';

const UNUSED_ORDER_ID = '01900000-0000-7000-8000-000000000000';
const validOrder = order([{ product_id: 1, quantity: 1 }]);
const newProduct = { name: 'Not yours to add', price: '1.00', stock: 1 };

/** A compact JWT with any header and claims, HMAC-signed with `secret` (or unsigned when `secret` is empty). */
export function forgeToken(header: object, claims: object, secret: string): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = secret === '' ? '' : createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

const now = () => Math.floor(Date.now() / 1000);
/** The claims of a valid admin token, as `signToken` makes them (the control test sends them unchanged). */
export const adminClaims = () => ({
  sub: '1',
  role: 'admin',
  iss: DEFAULT_ISSUER,
  aud: DEFAULT_AUDIENCE,
  iat: now(),
  exp: now() + 3600,
});

function secretOf(key: SigningKey): string {
  if (key.algorithm !== 'HS256') throw new Error('the catalogue forges HS256 tokens; the test systems sign with HS256');
  return key.secret;
}

/** `Bearer <token>` of a token forged with the system's own secret: valid but for what `claims` change. */
export const forgedWithSystemKey =
  (claims: () => object, header: object = { alg: 'HS256', typ: 'JWT' }) =>
  async (key: SigningKey) =>
    `Bearer ${forgeToken(header, claims(), secretOf(key))}`;

/** `Bearer <token>` signed by `signToken`, with the system's key unless another is given. */
const signedBy = (request: Omit<TokenRequest, 'key'>, key?: SigningKey) => async (own: SigningKey) =>
  `Bearer ${await signToken({ ...request, key: key ?? own })}`;

const unauthorized = { status: 401, code: 'unauthorized' } as const;
const forbidden = { status: 403, code: 'forbidden' } as const;

export const TOKEN_CASES: readonly HostileCase[] = [
  {
    name: 'no token (an order)',
    method: 'POST',
    path: '/orders',
    body: validOrder,
    authorization: async () => undefined,
    ...unauthorized,
  },
  {
    name: 'no token (a product)',
    method: 'POST',
    path: '/products',
    body: newProduct,
    authorization: async () => undefined,
    ...unauthorized,
  },
  {
    name: 'a token that is not a JWT',
    method: 'POST',
    path: '/orders',
    body: validOrder,
    authorization: async () => 'Bearer not-a-token',
    ...unauthorized,
  },
  {
    name: 'another scheme (Basic)',
    method: 'POST',
    path: '/products',
    body: newProduct,
    authorization: async () => 'Basic YWRtaW46YWRtaW4=',
    ...unauthorized,
  },
  {
    name: 'an empty bearer',
    method: 'POST',
    path: '/orders/async',
    body: validOrder,
    authorization: async () => 'Bearer ',
    ...unauthorized,
  },
  {
    name: 'a forged signature (an admin token signed with another secret)',
    method: 'POST',
    path: '/products',
    body: newProduct,
    authorization: signedBy({ role: 'admin', userId: 1 }, { algorithm: 'HS256', secret: generateSigningSecret() }),
    ...unauthorized,
  },
  {
    name: 'a token with its signature cut off',
    method: 'POST',
    path: '/orders',
    body: validOrder,
    authorization: async (key) => (await forgedWithSystemKey(adminClaims)(key)).replace(/[^.]+$/, ''),
    ...unauthorized,
  },
  {
    name: 'an expired token (an hour ago)',
    method: 'POST',
    path: '/orders',
    body: validOrder,
    authorization: forgedWithSystemKey(() => ({ ...adminClaims(), iat: now() - 7200, exp: now() - 3600 })),
    ...unauthorized,
  },
  {
    name: 'a token not valid yet (nbf in an hour)',
    method: 'POST',
    path: '/products',
    body: newProduct,
    authorization: forgedWithSystemKey(() => ({ ...adminClaims(), nbf: now() + 3600 })),
    ...unauthorized,
  },
  {
    name: 'a token for another audience',
    method: 'POST',
    path: '/products',
    body: newProduct,
    authorization: signedBy({ role: 'admin', userId: 1, audience: 'another-api' }),
    ...unauthorized,
  },
  {
    name: 'a token from another issuer',
    method: 'POST',
    path: '/orders',
    body: validOrder,
    authorization: signedBy({ role: 'admin', userId: 1, issuer: 'someone-else' }),
    ...unauthorized,
  },
  {
    name: 'an unsigned token (alg: none)',
    method: 'POST',
    path: '/products',
    body: newProduct,
    authorization: async () => `Bearer ${forgeToken({ alg: 'none', typ: 'JWT' }, adminClaims(), '')}`,
    ...unauthorized,
  },
  {
    name: 'a signed token with a role that does not exist (root)',
    method: 'POST',
    path: '/products',
    body: newProduct,
    authorization: forgedWithSystemKey(() => ({ ...adminClaims(), role: 'root' })),
    ...unauthorized,
  },
  {
    name: 'a signed token whose subject is not a user id',
    method: 'POST',
    path: '/orders',
    body: validOrder,
    authorization: forgedWithSystemKey(() => ({ ...adminClaims(), sub: 'alice' })),
    ...unauthorized,
  },
  {
    name: 'a customer token on an admin route (POST /products)',
    method: 'POST',
    path: '/products',
    body: newProduct,
    authorization: signedBy({ role: 'customer', userId: 2 }),
    ...forbidden,
  },
  {
    name: 'a customer token on an admin route (PATCH /products/1)',
    method: 'PATCH',
    path: '/products/1',
    body: { stock: 0 },
    authorization: signedBy({ role: 'customer', userId: 2 }),
    ...forbidden,
  },
  {
    name: 'a customer token moving an order to paid',
    method: 'PUT',
    path: `/orders/${UNUSED_ORDER_ID}/status`,
    body: { status: 'paid' },
    authorization: signedBy({ role: 'customer', userId: 2 }),
    ...forbidden,
  },
  {
    name: 'a customer ordering for another user_id',
    method: 'POST',
    path: '/orders',
    body: validOrder, // user_id 1
    authorization: signedBy({ role: 'customer', userId: 2 }),
    ...forbidden,
  },
  {
    name: 'a customer ordering for another user_id (async)',
    method: 'POST',
    path: '/orders/async',
    body: validOrder,
    authorization: signedBy({ role: 'customer', userId: 2 }),
    ...forbidden,
  },
  {
    name: "a customer listing another user's orders",
    method: 'GET',
    path: '/orders?user_id=1',
    authorization: signedBy({ role: 'customer', userId: 2 }),
    ...forbidden,
  },
];
