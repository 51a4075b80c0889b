import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy on loopback between the order service and the product service, for faults the
 * product service cannot be made to show on its own: answers delayed, or one kind of call answered
 * with a status of the test's choosing. It records how many calls were in flight at most.
 */
export interface FaultProxy {
  readonly url: string;
  /** The product service; set once it runs. */
  targetUrl: string | undefined;
  /** Held this long before each call is forwarded. */
  delayMs: number;
  /** Calls whose path matches are answered with this status (a JSON error), not forwarded. */
  failing: { readonly path: RegExp; readonly status: number } | undefined;
  /** The most calls in flight at once since the last reset. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startFaultProxy(): Promise<FaultProxy> {
  let inFlight = 0;
  const proxy: FaultProxy = { url: '', targetUrl: undefined, delayMs: 0, failing: undefined, maxInFlight: 0, close };
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    proxy.maxInFlight = Math.max(proxy.maxInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    setTimeout(() => {
      const failing = proxy.failing;
      if (failing && failing.path.test(req.url ?? '')) {
        req.resume();
        res.writeHead(failing.status, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { code: 'injected', message: 'fault injected by the test' } }));
      }
      const upstream = forward(new URL(req.url ?? '/', proxy.targetUrl), { method: req.method, headers: req.headers });
      upstream.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    }, proxy.delayMs);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(proxy, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return proxy;

  function close(): Promise<void> {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
