import { createServer, request as forward, type Server, type ServerResponse } from 'node:http';
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
  /**
   * Calls whose path matches are answered with this status (a JSON error), not forwarded; with
   * `afterForwarding`, forwarded first and answered so once the product service has answered (its
   * work done, its answer lost).
   */
  failing: { readonly path: RegExp; readonly status: number; readonly afterForwarding?: boolean } | undefined;
  /** The path of every call received, in order. */
  readonly paths: string[];
  /** The most calls in flight at once since the last reset. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startFaultProxy(): Promise<FaultProxy> {
  let inFlight = 0;
  const proxy: FaultProxy = {
    url: '',
    targetUrl: undefined,
    delayMs: 0,
    failing: undefined,
    maxInFlight: 0,
    paths: [],
    close,
  };
  const answerFailing = (res: ServerResponse, status: number) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'injected', message: 'fault injected by the test' } }));
  };
  const server: Server = createServer((req, res) => {
    proxy.paths.push(req.url ?? '');
    inFlight += 1;
    proxy.maxInFlight = Math.max(proxy.maxInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    setTimeout(() => {
      const failing = proxy.failing?.path.test(req.url ?? '') ? proxy.failing : undefined;
      if (failing && !failing.afterForwarding) {
        req.resume();
        return answerFailing(res, failing.status);
      }
      const upstream = forward(new URL(req.url ?? '/', proxy.targetUrl), { method: req.method, headers: req.headers });
      upstream.on('response', (answer) => {
        if (failing) return answer.resume().once('end', () => answerFailing(res, failing.status));
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
