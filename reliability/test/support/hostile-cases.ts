/**
 * The catalogue of hostile requests: malformed or mistyped JSON, wrong media types, out-of-range
 * and injected values, oversize bodies (and, in hostile-tokens.ts, bad bearer tokens). Each names
 * the 4xx status and error code the gateway or the services must answer with.
 */
import type { SigningKey } from '@ecom/auth';

export interface HostileCase {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** Sent as is (a string) or as JSON. */
  readonly body?: string | object;
  readonly status: number;
  readonly code: string;
  /**
   * The `Authorization` header to send (undefined: none), made with the system's signing key.
   * Absent: a valid admin token, so that the case is refused for its input, not for want of a token.
   */
  readonly authorization?: (key: SigningKey) => Promise<string | undefined>;
}

export const order = (items: unknown, extra: object = {}) => ({ user_id: 1, items, ...extra });
export const JSON_TYPE = { 'content-type': 'application/json' };

export const CASES: readonly HostileCase[] = [
  {
    name: 'malformed JSON (cut short)',
    method: 'POST',
    path: '/orders',
    body: '{"user_id":1,"items":[',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'malformed JSON (single quotes)',
    method: 'POST',
    path: '/products',
    body: "{'name':'x'}",
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'JSON with a __proto__ key',
    method: 'POST',
    path: '/orders/async',
    body: '{"user_id":1,"items":[{"product_id":1,"quantity":1}],"__proto__":{"admin":true}}',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    path: '/orders',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(order([{ product_id: 1, quantity: 1 }])),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'form-encoded body',
    method: 'POST',
    path: '/products',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'name=x&price=1&stock=1',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'huge quantity (1e308)',
    method: 'POST',
    path: '/orders',
    body: '{"user_id":1,"items":[{"product_id":1,"quantity":1e308}]}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'integer beyond 2^53 (user_id)',
    method: 'POST',
    path: '/orders/async',
    body: '{"user_id":99999999999999999999999,"items":[{"product_id":1,"quantity":1}]}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'negative quantity',
    method: 'POST',
    path: '/orders',
    body: order([{ product_id: 1, quantity: -5 }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'negative stock',
    method: 'POST',
    path: '/products',
    body: { name: 'x', price: '1.00', stock: -1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'negative price',
    method: 'POST',
    path: '/products',
    body: { name: 'x', price: '-1.00', stock: 1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'float quantity',
    method: 'POST',
    path: '/orders/async',
    body: order([{ product_id: 1, quantity: 1.5 }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'float product id',
    method: 'POST',
    path: '/orders',
    body: order([{ product_id: 1.0001, quantity: 1 }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'price with 3 decimals',
    method: 'POST',
    path: '/products',
    body: { name: 'x', price: 1.005, stock: 1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'numbers as strings',
    method: 'POST',
    path: '/orders',
    body: { user_id: '1', items: [{ product_id: '1', quantity: '1' }] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: '101 items (over maxItems)',
    method: 'POST',
    path: '/orders',
    body: order(Array.from({ length: 101 }, () => ({ product_id: 1, quantity: 1 }))),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: "10,000 items (over the services' 100 kB)",
    method: 'POST',
    path: '/orders/async',
    body: order(Array.from({ length: 10_000 }, () => ({ product_id: 1, quantity: 1 }))),
    status: 413,
    code: 'payload_too_large',
  },
  { name: 'empty items', method: 'POST', path: '/orders', body: order([]), status: 400, code: 'validation_failed' },
  {
    name: 'unicode digits as ids (fullwidth １)',
    method: 'POST',
    path: '/orders',
    body: '{"user_id":"１","items":[{"product_id":"１","quantity":1}]}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'control characters only as a name',
    method: 'POST',
    path: '/products',
    body: { name: ' \t\n ', price: '1.00', stock: 1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'control characters inside a name (NUL, ANSI escape)',
    method: 'POST',
    path: '/products',
    body: { name: 'Cof\u0000fee \u001b[2J', price: '1.00', stock: 1 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'SQL in a product id',
    method: 'GET',
    path: '/products/1%20OR%201=1',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'SQL in a path (stacked query)',
    method: 'PATCH',
    path: '/products/1;DROP%20TABLE%20products',
    body: { stock: 0 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'SQL in user_id',
    method: 'POST',
    path: '/orders',
    body: { user_id: "1' OR '1'='1", items: [{ product_id: 1, quantity: 1 }] },
    status: 400,
    code: 'validation_failed',
  },
  { name: 'SQL in an order id', method: 'GET', path: "/orders/'%20OR%201=1--", status: 400, code: 'validation_failed' },
  {
    name: 'SQL in a cursor',
    method: 'GET',
    path: "/products?cursor=1'%20OR%201=1--",
    status: 400,
    code: 'invalid_cursor',
  },
  {
    name: 'over-long Idempotency-Key',
    method: 'POST',
    path: '/orders',
    headers: { 'idempotency-key': 'k'.repeat(129) },
    body: order([{ product_id: 1, quantity: 1 }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'invalid status value',
    method: 'PUT',
    path: '/orders/01900000-0000-7000-8000-000000000000/status',
    body: { status: "paid'; DROP TABLE orders;--" },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'oversize body (2 MiB, over the gateway limit)',
    method: 'POST',
    path: '/products',
    body: { name: 'x'.repeat(2 * 1024 * 1024), price: '1.00', stock: 1 },
    status: 413,
    code: 'payload_too_large',
  },
];
