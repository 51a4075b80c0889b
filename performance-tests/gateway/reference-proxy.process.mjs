/**
 * Reference points for the gateway, not the gateway: http-proxy-middleware alone, with a
 * keep-alive agent and nothing else, mounted either on a bare node:http server
 * (REFERENCE=http-proxy-middleware: "the bare library", what issue 16 measures the gateway's own
 * cost above) or as the only middleware of an Express 5 app (REFERENCE=express); and a minimal
 * proxy of node:http alone (REFERENCE=node-http). They show what the proxy library costs by itself
 * and what Express's per-request pipeline adds to it, next to the real gateway in the same run.
 */
import { Agent, createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { reportFailure, serveParentOver } from './child-side.mjs';

// The gateway's own copies of both packages (they are its dependencies, not the benchmark's).
const requireFromGateway = createRequire(path.resolve(import.meta.dirname, '../../gateway/package.json'));

/** @type {Record<string, (upstream: URL) => import('node:http').RequestListener>} */
const LISTENERS = {
  'http-proxy-middleware': (upstream) => {
    const proxy = proxyLibrary(upstream);
    return (req, res) => void proxy(req, res, () => undefined);
  },
  express: (upstream) => {
    const app = requireFromGateway('express')();
    app.use(proxyLibrary(upstream));
    return app;
  },
  'node-http': minimalProxy,
};

function proxyLibrary(upstream) {
  const { createProxyMiddleware } = requireFromGateway('http-proxy-middleware');
  return createProxyMiddleware({ target: upstream, agent: new Agent({ keepAlive: true }) });
}

/**
 * No library at all: node:http's client with a keep-alive agent, headers passed as they are,
 * bodies piped both ways. The floor of any Node proxy on this machine.
 *
 * @param {URL} upstream
 * @returns {import('node:http').RequestListener}
 */
function minimalProxy(upstream) {
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

try {
  const listener = LISTENERS[process.env['REFERENCE'] ?? ''];
  if (!listener) throw new Error(`REFERENCE must be one of ${Object.keys(LISTENERS).join(', ')}`);
  const server = createServer(listener(new URL(process.env['UPSTREAM_URL'] ?? ''))).listen(0, '127.0.0.1');
  await serveParentOver(server);
} catch (error) {
  reportFailure(error);
}
