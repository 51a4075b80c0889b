/**
 * Reference points for the gateway, not the gateway: http-proxy-middleware alone, with the same
 * keep-alive agent and nothing else, mounted either on a bare node:http server
 * (REFERENCE=http-proxy-middleware) or as the only middleware of an Express 5 app
 * (REFERENCE=express); and a minimal proxy of node:http alone (REFERENCE=node-http). They show what the proxy library costs by itself and what Express's
 * per-request pipeline adds to it, next to the real gateway in the same run.
 */
import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { reportFailure, serveParent } from './child-process';

type Proxy = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => Promise<void>;
interface ProxyLibrary {
  createProxyMiddleware(options: object): Proxy;
}
type ExpressFactory = () => RequestListener & { use(handler: Proxy): void };

// The gateway's own copies of both packages (they are its dependencies, not the benchmark's).
const requireFromGateway = createRequire(path.resolve(__dirname, '../../gateway/package.json'));

async function main(): Promise<void> {
  const upstream = new URL(process.env['UPSTREAM_URL'] ?? '');
  const { createProxyMiddleware } = requireFromGateway('http-proxy-middleware') as ProxyLibrary;
  const proxy = createProxyMiddleware({ target: upstream, agent: new Agent({ keepAlive: true }) });
  const listeners: Record<string, () => RequestListener> = {
    express: () => onExpress(proxy),
    'http-proxy-middleware': () => (req, res) => void proxy(req, res, () => undefined),
    'node-http': () => minimalProxy(upstream),
  };
  const listener = listeners[process.env['REFERENCE'] ?? '']!();
  const server = createServer(listener).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  serveParent(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
}

function onExpress(proxy: Proxy): RequestListener {
  const express = requireFromGateway('express') as ExpressFactory;
  const app = express();
  app.use(proxy);
  return app;
}

/**
 * No library at all: node:http's client with the same keep-alive agent, headers passed as they
 * are, bodies piped both ways. The floor of any Node proxy on this machine.
 */
function minimalProxy(upstream: URL): RequestListener {
  const agent = new Agent({ keepAlive: true });
  const { hostname, port } = upstream;
  return (req, res) => {
    const outgoing = request({ hostname, port, method: req.method, path: req.url, headers: req.headers, agent });
    outgoing.once('response', (incoming) => {
      res.writeHead(incoming.statusCode ?? 502, incoming.headers);
      incoming.pipe(res);
    });
    outgoing.once('error', () => res.writeHead(502).end());
    req.pipe(outgoing);
  };
}

main().catch(reportFailure);
