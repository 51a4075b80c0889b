import './support/esm-dependencies';
import { createServer, request, type Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVER_KEEP_ALIVE_MS, keepConnectionsAlive } from '@ecom/service-kit/lifecycle';
import { UPSTREAM_IDLE_MS, createUpstreamAgent } from '../src/upstreams/upstream-agent';

/** A service as the kit starts it: keep-alive connections kept SERVER_KEEP_ALIVE_MS. */
function startUpstream(): Promise<Server> {
  const server = keepConnectionsAlive(createServer((_req, res) => res.end('ok')));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function get(agent: Agent, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', agent }, (res) => res.resume().on('end', resolve))
      .on('error', reject)
      .end();
  });
}

const freeSockets = (agent: Agent) => Object.values(agent.freeSockets).flat().length;

describe('keep-alive between the gateway and the services', () => {
  test('when an upstream connection stays idle, then the gateway closes it before the service would', async () => {
    expect(UPSTREAM_IDLE_MS).toBeLessThan(SERVER_KEEP_ALIVE_MS);
    const upstream = await startUpstream();
    const agent = createUpstreamAgent(true, 200) as Agent;
    try {
      await get(agent, (upstream.address() as AddressInfo).port);
      expect(freeSockets(agent)).toBe(1);

      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(freeSockets(agent)).toBe(0); // closed by the pool, not left for the service to reset
      expect(upstream.keepAliveTimeout).toBe(SERVER_KEEP_ALIVE_MS);
    } finally {
      agent.destroy();
      upstream.closeAllConnections();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
