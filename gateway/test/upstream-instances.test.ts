import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type GatewayUnderTest } from './support/gateway';
import { startRecordingUpstream, type RecordingUpstream } from './support/recording-upstream';

describe('gateway → several instances of a service', () => {
  let instances: RecordingUpstream[];
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    instances = await Promise.all([startRecordingUpstream(), startRecordingUpstream()]);
    gateway = await createGateway({ ORDER_SERVICE_URLS: instances.map((instance) => instance.url).join(',') });
  });

  afterAll(async () => {
    gateway.close();
    await Promise.all(instances.map((instance) => instance.close()));
  });

  it('when requests arrive, chunked bodies among them, then the instances take turns and every body arrives whole', async () => {
    const server = gateway.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await gateway.as().get('/orders');
      await postChunked(port, gateway.bearer.admin, ['{"user_id":', '1}']);
      await gateway.as().get('/orders');
      await postChunked(port, gateway.bearer.admin, ['{"user_id":', '2}']);

      const [first, second] = instances.map((instance) => instance.requests.map((received) => received.body));
      expect(first).toEqual(['', '']);
      expect(second).toEqual(['{"user_id":1}', '{"user_id":2}']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

/** POSTs `chunks` to /orders with Transfer-Encoding: chunked (no Content-Length). */
function postChunked(port: number, authorization: string, chunks: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        port,
        host: '127.0.0.1',
        path: '/orders',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
      },
      (response) => response.resume().on('end', () => resolve(response.statusCode ?? 0)),
    );
    outgoing.on('error', reject);
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}
