/**
 * A TCP proxy on loopback that can be made slow: put between the order service and the product
 * service (PRODUCT_SERVICE_URLS), it forwards bytes unchanged, or holds each chunk from the client
 * for `delayMs` first, so the order service's timeouts and circuit breaker meet a slow dependency.
 * `answerDelayMs` holds the answers instead (in order): the product service has done the work, the
 * order service does not know it yet.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ThrottlingProxy {
  readonly port: number;
  /** Where to forward to; may be set after the proxy started (the target's port may change). */
  target: { host: string; port: number } | undefined;
  /** Delay of every chunk from client to target; 0 = pass through. */
  delayMs: number;
  /** Delay of every chunk from target to client, order kept; 0 = pass through. */
  answerDelayMs: number;
  close(): Promise<void>;
}

export async function startThrottlingProxy(): Promise<ThrottlingProxy> {
  const sockets = new Set<Socket>();
  const proxy: ThrottlingProxy = {
    port: 0,
    target: undefined,
    delayMs: 0,
    answerDelayMs: 0,
    close: async () => undefined,
  };
  const server: Server = createServer((client) => {
    const target = proxy.target;
    if (!target) return client.destroy();
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      if (proxy.delayMs === 0) upstream.write(chunk);
      else setTimeout(() => upstream.writable && upstream.write(chunk), proxy.delayMs);
    });
    let answers = Promise.resolve(); // chunks from the target, each after its delay, in order
    const answer = (send: () => void) => {
      const delayMs = proxy.answerDelayMs;
      answers = answers.then(() => (delayMs === 0 ? send() : sleep(delayMs).then(send)));
    };
    upstream.on('data', (chunk: Buffer) =>
      answer(() => {
        if (client.writable) client.write(chunk);
      }),
    );
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => answer(() => client.destroy()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    port: (server.address() as { port: number }).port,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
