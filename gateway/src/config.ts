import path from 'node:path';
import { z } from 'zod';
import { env, parseEnv } from '@ecom/service-kit/config';
import { authSchema, authSettingsFrom, checkSecretLength } from './auth-config';

/** A browser origin as it appears in the `Origin` header: scheme, host and port, no path. */
const origin = z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin);

/** The OpenAPI document, where the repository keeps it (from src/ and from dist/ alike). */
const defaultSpecPath = path.resolve(__dirname, '../../docs/api/openapi.yaml');

/** The variables the gateway reads: names, types and defaults, declared once. */
const variables = z.object({
  GATEWAY_PORT: env.port(8080),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: env.logLevel,
  /**
   * Log lines (the access log above all) are written in batches of this many bytes, at least once
   * a second and on exit, as nginx's buffered access_log is (logging/log-destination.ts); 0 writes
   * each line at once.
   */
  LOG_BUFFER_BYTES: env.logBufferBytes(16_000),
  /** Base URLs of product-service instances (comma-separated, round-robin); unset while it is not deployed. */
  PRODUCT_SERVICE_URLS: env.commaList(env.httpUrl).optional(),
  ORDER_SERVICE_URLS: env.commaList(env.httpUrl).optional(),
  UPSTREAM_CHECK_TIMEOUT_MS: env.positiveInt(2_000),
  /** Longest an upstream may stay silent (connecting, or between bytes) before the call fails with 504. */
  UPSTREAM_TIMEOUT_MS: env.positiveInt(10_000),
  /**
   * Longest a client may take to send a whole request (headers and body): a slower one, such as a
   * slow-loris partial body, gets a JSON 408 and is disconnected. Below UPSTREAM_TIMEOUT_MS, so a
   * stalled upload is the client's 408, not the service's 504.
   */
  REQUEST_TIMEOUT_MS: env.positiveInt(5_000),
  /** Reuse upstream connections (keep-alive agent). Off only to measure what it saves. */
  UPSTREAM_KEEP_ALIVE: env.flag.default(true),
  /**
   * Largest request body the gateway forwards; larger ones get 413 before reaching a service.
   * The services' own default limit (100 kB), so the edge refuses first: a service that refuses
   * mid-upload closes the connection, and the gateway could then only answer 502.
   */
  GATEWAY_BODY_LIMIT_BYTES: env.positiveInt(102_400),
  RATE_LIMIT_ENABLED: env.flag.default(true),
  /** Requests per client (IP address) per minute on the proxied API; generous by default. */
  RATE_LIMIT_PER_MINUTE: env.positiveInt(6_000),
  /** Browser origins allowed to call the API cross-origin (comma-separated); none by default. */
  CORS_ORIGINS: env.commaList(origin).optional(),
  /** How many proxies in front of the gateway to trust for the client address (X-Forwarded-For). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  OPENAPI_SPEC_PATH: z.string().min(1).default(defaultSpecPath),
  ...authSchema,
});

/**
 * The variables with the checks that span several of them. Exported (`@ecom/gateway/config`) so
 * whoever starts the gateway builds its environment from these names (libraries/system-launcher)
 * and a misspelt one does not compile.
 */
export const configSchema = variables.superRefine(checkSecretLength);

export type GatewayConfig = ReturnType<typeof loadConfig>;
export type { AuthSettings } from './auth-config';

/** Reads the gateway's settings from the environment once; throws a ConfigError naming bad variables. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const raw = parseEnv(configSchema, source);
  const upstreams: Record<string, readonly string[]> = {};
  if (raw.PRODUCT_SERVICE_URLS) upstreams['product-service'] = raw.PRODUCT_SERVICE_URLS;
  if (raw.ORDER_SERVICE_URLS) upstreams['order-service'] = raw.ORDER_SERVICE_URLS;
  return Object.freeze({
    port: raw.GATEWAY_PORT,
    host: raw.GATEWAY_HOST,
    logLevel: raw.LOG_LEVEL,
    logBufferBytes: raw.LOG_BUFFER_BYTES,
    upstreamCheckTimeoutMs: raw.UPSTREAM_CHECK_TIMEOUT_MS,
    upstreams: Object.freeze(upstreams),
    upstreamTimeoutMs: raw.UPSTREAM_TIMEOUT_MS,
    upstreamKeepAlive: raw.UPSTREAM_KEEP_ALIVE,
    requestTimeoutMs: raw.REQUEST_TIMEOUT_MS,
    bodyLimitBytes: raw.GATEWAY_BODY_LIMIT_BYTES,
    rateLimit: Object.freeze({ enabled: raw.RATE_LIMIT_ENABLED, perMinute: raw.RATE_LIMIT_PER_MINUTE }),
    corsOrigins: raw.CORS_ORIGINS ?? [],
    trustProxyHops: raw.TRUST_PROXY_HOPS,
    openApiSpecPath: raw.OPENAPI_SPEC_PATH,
    auth: authSettingsFrom(raw),
  });
}
