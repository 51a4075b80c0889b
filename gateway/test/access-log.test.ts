import './support/esm-dependencies';
import { Writable } from 'node:stream';
import request from 'supertest';
import { generateSigningSecret, signToken } from '@ecom/auth';
import { createLogger } from '@ecom/service-kit/logging';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createUpstreamAgent } from '../src/upstreams/upstream-agent';
import { startRecordingUpstream, type RecordingUpstream } from './support/recording-upstream';

describe('gateway access log', () => {
  let orders: RecordingUpstream;
  const agent = createUpstreamAgent(true);
  const lines: Record<string, unknown>[] = [];
  const secret = generateSigningSecret();
  let authorization: string;

  beforeAll(async () => {
    orders = await startRecordingUpstream();
    authorization = `Bearer ${await signToken({ key: { algorithm: 'HS256', secret }, role: 'admin', userId: 1 })}`;
  });

  afterAll(async () => {
    if (agent) agent.destroy();
    await orders.close();
  });

  function loggerTo(sink: Record<string, unknown>[]) {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunk
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .forEach((line) => sink.push(JSON.parse(line) as Record<string, unknown>));
        callback();
      },
    });
    return createLogger({ service: 'gateway', level: 'info', destination });
  }

  function gatewayLoggingTo(sink: Record<string, unknown>[]) {
    return createApp(loadConfig({ ORDER_SERVICE_URLS: orders.url, AUTH_HS256_SECRET: secret }), loggerTo(sink), {
      agent,
    });
  }

  it('when requests are served, then each one is logged as one JSON line with its id, route template, status and duration', async () => {
    const app = gatewayLoggingTo(lines);
    orders.respondWith({ status: 202, body: { id: 'x', status: 'processing' } });

    await request(app)
      .get('/orders/0192f5a0-7c1e-7cc3-9b4e-2f1d3c4b5a69?verbose=1')
      .set('Authorization', authorization)
      .set('X-Request-Id', 'log-me-1');
    await request(app).get('/nowhere').set('X-Request-Id', 'log-me-2');
    await new Promise((resolve) => setImmediate(resolve));

    const logged = (id: string) => lines.find((line) => line['request_id'] === id);
    expect(logged('log-me-1')).toMatchObject({
      level: 'info',
      service: 'gateway',
      method: 'GET',
      url: '/orders/0192f5a0-7c1e-7cc3-9b4e-2f1d3c4b5a69?verbose=1',
      route: '/orders/:id',
      status: 202,
      duration_ms: expect.any(Number),
      msg: 'request completed',
    });
    expect(logged('log-me-2')).toMatchObject({ route: 'unmatched', status: 404 });
  });

  it('when a line is written, then it has the logger’s own format, field for field, as logger.info would write it', async () => {
    const sink: Record<string, unknown>[] = [];
    const logger = loggerTo(sink);
    const app = createApp(loadConfig({ ORDER_SERVICE_URLS: orders.url, AUTH_HS256_SECRET: secret }), logger, { agent });
    orders.respondWith({ status: 200, body: { ok: true } });

    await request(app).get('/orders?page=2').set('Authorization', authorization).set('X-Request-Id', 'same-shape');
    await new Promise((resolve) => setImmediate(resolve));
    const written = sink.find((line) => line['request_id'] === 'same-shape')!;
    const fields = { method: 'GET', url: '/orders?page=2', request_id: 'same-shape', route: '/orders' };
    logger.info({ ...fields, status: 200, duration_ms: written['duration_ms'] }, 'request completed');

    const byPino = sink[sink.length - 1]!;
    expect(Object.keys(written)).toEqual(Object.keys(byPino));
    expect({ ...written, time: undefined }).toEqual({ ...byPino, time: undefined });
    expect(written['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('when a response is a 5xx, then its line is logged at error level as a failed request', async () => {
    const failed: Record<string, unknown>[] = [];
    const app = gatewayLoggingTo(failed);
    orders.respondWith({ status: 503, headers: { 'Retry-After': '5' }, body: { error: { code: 'overloaded' } } });

    await request(app).get('/orders').set('Authorization', authorization).set('X-Request-Id', 'log-me-503');
    await new Promise((resolve) => setImmediate(resolve));

    expect(failed.find((line) => line['request_id'] === 'log-me-503')).toMatchObject({
      level: 'error',
      route: '/orders',
      status: 503,
      msg: 'request failed',
    });
  });

  it('when a request id is unusable (too long, or with other characters), then the gateway makes a new one', async () => {
    const app = gatewayLoggingTo([]);

    const tooLong = await request(app).get('/health').set('X-Request-Id', 'x'.repeat(200));
    const injected = await request(app).get('/health').set('X-Request-Id', 'a b"c');

    expect(tooLong.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(injected.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
