import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface CannedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface RecordingUpstream {
  readonly url: string;
  /** Every request that arrived, complete with its body, in arrival order. */
  readonly requests: RecordedRequest[];
  /** What the next requests are answered with (by default 200 `{"ok":true}`). */
  respondWith(response: CannedResponse): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on an ephemeral port standing in for a service that is not built yet: it
 * records exactly what the gateway forwarded and answers with a canned response.
 */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  let canned: CannedResponse = { status: 200, body: { ok: true } };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(res, canned);
    });
  });
  const url = await listen(server);
  return {
    url,
    requests,
    respondWith: (response) => {
      canned = response;
    },
    close: () => closeServer(server),
  };
}

/** A server that accepts requests and never answers them (a hung service). */
export async function startSilentUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(() => undefined);
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}

/** A URL on which nothing listens: the port of a server that was just closed. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await closeServer(server);
  return url;
}

function answer(res: ServerResponse, { status, headers = {}, body }: CannedResponse): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  res.end(payload);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
