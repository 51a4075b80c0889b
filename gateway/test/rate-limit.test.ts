import request from 'supertest';
import { createGateway, type GatewayUnderTest } from './support/gateway';
import { fixedWindowCounter } from '../src/http/rate-limit.middleware';
import { startRecordingUpstream, type RecordingUpstream } from './support/recording-upstream';

describe('rate limit: fixed window per client', () => {
  it('when a window ends, then the next hit opens a new one with a fresh count and reset time', () => {
    const counter = fixedWindowCounter(60_000);

    const first = { ...counter.hit('10.0.0.1', 1_000) };
    const second = { ...counter.hit('10.0.0.1', 30_000) };
    const afterReset = { ...counter.hit('10.0.0.1', 61_000) };

    expect(first).toEqual({ hits: 1, resetAt: 61_000 });
    expect(second).toEqual({ hits: 2, resetAt: 61_000 });
    expect(afterReset).toEqual({ hits: 1, resetAt: 121_000 });
  });

  it('when clients are counted, then each has its own window', () => {
    const counter = fixedWindowCounter(60_000);

    counter.hit('10.0.0.1', 1_000);
    counter.hit('10.0.0.1', 2_000);
    const other = counter.hit('10.0.0.2', 5_000);

    expect(other).toEqual({ hits: 1, resetAt: 65_000 });
  });

  it('when a client is quiet for a sweep and then returns within its window, then its count is kept', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const counter = fixedWindowCounter(60_000);
      counter.hit('10.0.0.1', 0);
      jest.advanceTimersByTime(60_000); // one sweep: the client moves to the previous map

      expect(counter.hit('10.0.0.1', 59_000)).toEqual({ hits: 2, resetAt: 60_000 });
    } finally {
      jest.useRealTimers();
    }
  });

  describe('through the gateway', () => {
    let orders: RecordingUpstream;
    const gateways: GatewayUnderTest[] = [];

    beforeAll(async () => {
      orders = await startRecordingUpstream();
    });

    afterAll(async () => {
      gateways.forEach((gateway) => gateway.close());
      await orders.close();
    });

    it('when IPv6 clients share a /56 network, then they share one budget, and another network has its own', async () => {
      const gateway = await createGateway({
        PRODUCT_SERVICE_URLS: orders.url,
        RATE_LIMIT_PER_MINUTE: '1',
        TRUST_PROXY_HOPS: '1',
      });
      gateways.push(gateway);
      const from = (address: string) => request(gateway.app).get('/products').set('X-Forwarded-For', address);

      const statuses = [
        (await from('2001:db8:aa:bb01::1')).status,
        (await from('2001:db8:aa:bb02::2')).status, // same /56 (2001:db8:aa:bb00::/56)
        (await from('2001:db8:aa:cc00::1')).status, // another /56
      ];

      expect(statuses).toEqual([200, 429, 200]);
    });

    it('when requests are let through, then RateLimit counts down and RateLimit-Policy names the limit and window', async () => {
      const gateway = await createGateway({ ORDER_SERVICE_URLS: orders.url, RATE_LIMIT_PER_MINUTE: '5' });
      gateways.push(gateway);

      const first = await gateway.as().get('/orders');
      const second = await gateway.as().get('/orders');

      expect(first.headers['ratelimit-policy']).toBe('5;w=60');
      expect(first.headers['ratelimit']).toMatch(/^limit=5, remaining=4, reset=(60|59)$/);
      expect(second.headers['ratelimit']).toMatch(/^limit=5, remaining=3, reset=(60|59)$/);
    });
  });
});
