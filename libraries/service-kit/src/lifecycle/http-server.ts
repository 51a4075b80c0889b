import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How long a server keeps an idle keep-alive connection: longer than any client of ours keeps one
 * (the gateway's pool drops idle sockets after 30 s; AWS's load balancer after 60 s). The side
 * that closes an idle connection must be the client: when the server closes it just as the client
 * sends a request on it, that request fails with ECONNRESET (a 502 at the gateway). Node's default
 * is 5 s, and its client agent does not shorten its own idle time to match.
 */
export const SERVER_KEEP_ALIVE_MS = 65_000;

export function keepConnectionsAlive<S extends Server>(server: S): S {
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  // Must exceed keepAliveTimeout, but never the time the server gives a whole request.
  const requestTimeout = server.requestTimeout > 0 ? server.requestTimeout : Infinity;
  server.headersTimeout = Math.min(SERVER_KEEP_ALIVE_MS + 1_000, requestTimeout);
  return server;
}

/** Starts listening and resolves once the port is bound, with the server and its actual port. */
export async function listen(
  app: { listen(port: number, host: string): Server },
  port: number,
  host: string,
): Promise<{ server: Server; port: number; url: string }> {
  const server = keepConnectionsAlive(app.listen(port, host));
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const bound = (server.address() as AddressInfo).port;
  return { server, port: bound, url: `http://127.0.0.1:${bound}` };
}
