import { z } from 'zod';
import { env, parseEnv } from '@ecom/service-kit';

const schema = z.object({
  GATEWAY_PORT: env.port(8080),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: env.logLevel,
  /** Base URLs of product-service instances (comma-separated); unset while it is not deployed. */
  PRODUCT_SERVICE_URLS: env.commaList(env.httpUrl).optional(),
  ORDER_SERVICE_URLS: env.commaList(env.httpUrl).optional(),
  UPSTREAM_CHECK_TIMEOUT_MS: env.positiveInt(2_000),
});

export type GatewayConfig = ReturnType<typeof loadConfig>;

/** Reads the gateway's settings from the environment once; throws a ConfigError naming bad variables. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const raw = parseEnv(schema, source);
  const upstreams: Record<string, readonly string[]> = {};
  if (raw.PRODUCT_SERVICE_URLS) upstreams['product-service'] = raw.PRODUCT_SERVICE_URLS;
  if (raw.ORDER_SERVICE_URLS) upstreams['order-service'] = raw.ORDER_SERVICE_URLS;
  return Object.freeze({
    port: raw.GATEWAY_PORT,
    host: raw.GATEWAY_HOST,
    logLevel: raw.LOG_LEVEL,
    upstreamCheckTimeoutMs: raw.UPSTREAM_CHECK_TIMEOUT_MS,
    upstreams: Object.freeze(upstreams),
  });
}
