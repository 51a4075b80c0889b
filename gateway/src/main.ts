import type { Server } from 'node:http';
import { createLogger, type Logger } from '@ecom/service-kit/logging';
import { closeHttpServer, exitGracefullyOnSignals, keepConnectionsAlive, runMain } from '@ecom/service-kit/lifecycle';
import { createApp } from './app';
import { loadConfig } from './config';
import { createLogDestination } from './logging/log-destination';
import { createUpstreamAgent } from './upstreams/upstream-agent';

export interface RunningGateway {
  readonly server: Server;
  readonly url: string;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/** Starts the gateway on the configured port and returns a handle that stops it. */
export async function start(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningGateway> {
  const config = loadConfig(env);
  // Lines are batched (LOG_BUFFER_BYTES) and flushed at least once a second and on exit.
  const destination = logger ? undefined : createLogDestination(config.logBufferBytes);
  const log = logger ?? createLogger({ service: 'gateway', level: config.logLevel, destination });
  const agent = createUpstreamAgent(config.upstreamKeepAlive);
  // Behind a load balancer the gateway is the server of a pooled connection too.
  const server = keepConnectionsAlive(createApp(config, log, { agent }).listen(config.port, config.host));
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port, upstreams: config.upstreams }, 'gateway listening');
  const stop = async () => {
    // In-flight requests finish (their upstream calls included) before the pool is closed.
    await closeHttpServer(server);
    if (agent) agent.destroy();
    destination?.flushSync();
  };
  return { server, url: `http://127.0.0.1:${port}`, logger: log, stop };
}

if (require.main === module) {
  runMain(createLogger({ service: 'gateway' }), async () => {
    const gateway = await start();
    exitGracefullyOnSignals({ logger: gateway.logger, stop: gateway.stop });
  });
}
