import './esm-dependencies';
import type { Agent } from 'node:http';
import { testLogger } from '@ecom/service-kit/testing';
import { createApp, type GatewayApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createGatewayMetrics, type GatewayMetrics } from '../../src/http/gateway-metrics';
import { createUpstreamAgent } from '../../src/upstreams/upstream-agent';

export interface GatewayUnderTest {
  readonly app: GatewayApp;
  readonly metrics: GatewayMetrics;
  /** Closes the gateway's pooled upstream connections. */
  close(): void;
}

/**
 * The real gateway app (every middleware, the real proxy and its keep-alive pool), configured by
 * `env` like the process would be, driven in-process through supertest.
 */
export function createGateway(env: NodeJS.ProcessEnv): GatewayUnderTest {
  const config = loadConfig(env);
  const metrics = createGatewayMetrics();
  const agent: Agent | false = createUpstreamAgent(config.upstreamKeepAlive);
  const app = createApp(config, testLogger('gateway'), { metrics, agent });
  return { app, metrics, close: () => agent && agent.destroy() };
}
