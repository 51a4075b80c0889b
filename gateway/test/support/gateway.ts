import './esm-dependencies';
import type { Agent } from 'node:http';
import request from 'supertest';
import { generateSigningSecret, signToken, type Role, type SigningKey } from '@ecom/auth';
import { testLogger } from '@ecom/service-kit/testing';
import { createApp, type GatewayApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createGatewayMetrics, type GatewayMetrics } from '../../src/http/gateway-metrics';
import { createUpstreamAgent } from '../../src/upstreams/upstream-agent';

/** The user the `customer` tokens of these tests name. */
export const CUSTOMER_ID = 7;
/** The user the `admin` tokens name. */
export const ADMIN_ID = 1;

export interface GatewayUnderTest {
  readonly app: GatewayApp;
  readonly metrics: GatewayMetrics;
  /** The HS256 key the gateway verifies with (undefined when `env` configured another key, or none). */
  readonly signingKey: SigningKey | undefined;
  /** `Bearer <token>` for an admin (user 1) and a customer (user 7), signed with `signingKey`. */
  readonly bearer: Readonly<Record<Role, string>>;
  /** A supertest agent whose requests carry the bearer token of `role` (admin when not given). */
  as(role?: Role): request.Agent;
  /** Closes the gateway's pooled upstream connections. */
  close(): void;
}

/**
 * The real gateway app (every middleware, the real proxy and its keep-alive pool), configured by
 * `env` like the process would be, driven in-process through supertest. Authentication is on,
 * with a fresh HS256 secret, unless `env` sets AUTH_* itself.
 */
export async function createGateway(env: NodeJS.ProcessEnv): Promise<GatewayUnderTest> {
  const setsAuth = Object.keys(env).some((name) => name.startsWith('AUTH_'));
  const secret = generateSigningSecret();
  const config = loadConfig(setsAuth ? env : { AUTH_HS256_SECRET: secret, ...env });
  const signingKey: SigningKey | undefined = setsAuth ? undefined : { algorithm: 'HS256', secret };
  const metrics = createGatewayMetrics();
  const agent: Agent | false = createUpstreamAgent(config.upstreamKeepAlive);
  const app = createApp(config, testLogger('gateway'), { metrics, agent });
  const bearer = signingKey
    ? {
        admin: await bearerFor(signingKey, 'admin', ADMIN_ID),
        customer: await bearerFor(signingKey, 'customer', CUSTOMER_ID),
      }
    : { admin: 'Bearer none', customer: 'Bearer none' };
  return {
    app,
    metrics,
    signingKey,
    bearer,
    as: (role = 'admin') => request.agent(app).set('Authorization', bearer[role]),
    close: () => agent && agent.destroy(),
  };
}

export async function bearerFor(key: SigningKey, role: Role, userId: number, ttlSeconds?: number): Promise<string> {
  return `Bearer ${await signToken({ key, role, userId, ...(ttlSeconds !== undefined && { ttlSeconds }) })}`;
}
