import { Agent } from 'node:http';

/** Idle upstream sockets are closed by the gateway after this long, well before the services do (65 s). */
export const UPSTREAM_IDLE_MS = 30_000;

/**
 * The connection pool to the services. Keep-alive saves a TCP handshake per request (see
 * performance-tests/gateway for the difference); LIFO reuse lets surplus idle sockets time out.
 * The pool closes idle sockets itself after UPSTREAM_IDLE_MS, before the service would
 * (SERVER_KEEP_ALIVE_MS): a socket the service closes just as a request is sent on it fails that
 * request with ECONNRESET, a 502 for a POST that cannot safely be retried. (Node's agent follows a
 * service's `Keep-Alive: timeout` hint only to shorten a timeout of its own, hence `timeout`.)
 */
export function createUpstreamAgent(keepAlive: boolean, idleMs = UPSTREAM_IDLE_MS): Agent | false {
  return keepAlive ? new Agent({ keepAlive: true, scheduling: 'lifo', maxFreeSockets: 256, timeout: idleMs }) : false;
}
