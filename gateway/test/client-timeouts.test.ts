import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createGateway, type GatewayUnderTest } from './support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from './support/recording-upstream';

const REQUEST_TIMEOUT_MS = 1_000;

describe('gateway client errors: slow clients and unparsable requests get JSON answers', () => {
  let orders: RecordingUpstream;
  let gateway: GatewayUnderTest;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    orders = await startRecordingUpstream();
    gateway = await createGateway({ ORDER_SERVICE_URLS: orders.url, REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    server = gateway.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    gateway.close();
    await orders.close();
  });

  it('when a client announces a body and sends only part of it (slow loris), then 408 request_timeout in JSON and the service never gets a whole request', async () => {
    const before = orders.requests.length;
    const started = Date.now();

    const raw = await exchange(
      port,
      `POST /orders HTTP/1.1\r\nHost: x\r\nAuthorization: ${gateway.bearer.admin}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"user_id":1,`,
    );
    const elapsed = Date.now() - started;

    const { status, headers, body } = parseRaw(raw);
    expect(status).toBe(408);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(headers['connection']).toBe('close');
    expect(body.error).toEqual({
      code: 'request_timeout',
      message: expect.any(String),
      details: [],
      request_id: headers['x-request-id'],
    });
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500); // checked every second
    expect(orders.requests.length).toBe(before);
  });

  it('when the request is not HTTP at all, then 400 malformed_request in JSON', async () => {
    const { status, body } = parseRaw(await exchange(port, 'HELLO THERE\r\n\r\n'));

    expect(status).toBe(400);
    expect(body.error.code).toBe('malformed_request');
  });

  it('when the headers are larger than Node accepts, then 431 headers_too_large in JSON', async () => {
    const raw = await exchange(port, `GET /orders HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const { status, body } = parseRaw(raw);

    expect(status).toBe(431);
    expect(body.error.code).toBe('headers_too_large');
  });

  it('when the request arrives in time but the service answers after REQUEST_TIMEOUT_MS, then the answer still reaches the client', async () => {
    const slow = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"slow":true}'), 1_500);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowGateway = await createGateway({
      ORDER_SERVICE_URLS: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    const listening = slowGateway.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));

    try {
      const response = await fetch(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/orders`, {
        headers: { authorization: slowGateway.bearer.admin },
      });

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ slow: true });
    } finally {
      listening.closeAllConnections();
      listening.close();
      slowGateway.close();
      slow.close();
    }
  });
});

/** Writes `request` on a raw TCP connection and resolves with everything read until the server closes it. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.once('close', () => resolve(received));
    socket.once('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer; got: ${received}`)));
  });
}

function parseRaw(raw: string): {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: string; request_id: string } };
} {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
}
