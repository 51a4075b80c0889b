/**
 * Hostile requests below JSON, written as is on a raw TCP connection to the real gateway in front
 * of the real services (processes, real MySQL and Kafka): a CR LF header injection through
 * X-Request-Id, and a body announced but only partly sent (slow loris).
 */
import { connect } from 'node:net';
import { useHostileSystem } from './support/hostile-system';

describe('hostile inputs through the gateway (real services, real MySQL and Kafka)', () => {
  const system = useHostileSystem();
  const snapshot = () => system.snapshot();

  it('when X-Request-Id carries a CR LF header injection, then it is replaced by a fresh id and no header is injected', async () => {
    const raw = await rawRequest(
      system.gatewayUrl,
      'GET /products HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc%0d%0aSet-Cookie:%20pwned=1\r\nConnection: close\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(raw.toLowerCase()).not.toContain('set-cookie');
    expect(raw).not.toContain('abc%0d%0a');
  });

  it('when a body is announced but only partly sent (slow loris), then 408 request_timeout in JSON after REQUEST_TIMEOUT_MS (5 s) and nothing is written', async () => {
    const before = await snapshot();
    const started = Date.now();
    const raw = await rawRequest(
      system.gatewayUrl,
      'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n' +
        `Authorization: ${system.adminHeaders['authorization']}\r\nConnection: close\r\n\r\n{"user_id":1,`,
      30_000,
    );
    const elapsed = Date.now() - started;
    console.log(`slow loris: answered after ${elapsed} ms: ${raw.split('\r\n')[0]}`);
    expect(raw).toMatch(/^HTTP\/1\.1 408/);
    expect(raw).toMatch(/"error":\{"code":"request_timeout"/);
    expect(elapsed).toBeLessThan(8_000);
    expect(await snapshot()).toEqual(before);
  }, 40_000);
});

/** Writes `request` as is on a raw TCP connection and resolves with everything read until close. */
function rawRequest(baseUrl: string, request: string, timeoutMs = 10_000): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.once('close', () => resolve(received));
    socket.once('error', reject);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms; got: ${received}`)));
  });
}
