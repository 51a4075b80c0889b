import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendSyncBurst, summariseBurst } from '../runner/sync-burst';

/** A stand-in gateway: /health at once; each order held `holdMs`, then answered by `answer(n)` (n counts from 1; 0: never). */
async function startServer(holdMs: number, answer: (n: number) => number) {
  let inFlight = 0;
  let maxInFlight = 0;
  let orders = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/health') return void res.end('ok');
    const n = (orders += 1);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    setTimeout(() => {
      inFlight -= 1;
      const status = answer(n);
      if (status === 0) return; // left hanging: the client's timeout decides
      res.statusCode = status;
      res.end('{}');
    }, holdMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    maxInFlight: () => maxInFlight,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a burst of sync orders', () => {
  test('when a token is given, then every order (and every connection-opening probe) carries it as a bearer token', async () => {
    const authorizations: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      authorizations.push(req.headers.authorization);
      req.resume();
      res.statusCode = req.url === '/health' ? 200 : 201;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const round = await sendSyncBurst(url, Array(5).fill('{}'), { withinMs: 1000, timeoutMs: 5000 }, 'a.b.c');

      expect(round.statuses).toEqual({ '201': 5 });
      expect(authorizations).toEqual(Array(10).fill('Bearer a.b.c'));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('when 75 orders are sent, then all 75 are in flight together, each on a connection opened beforehand', async () => {
    const server = await startServer(300, () => 201);
    try {
      const round = await sendSyncBurst(server.url, Array(75).fill('{"user_id":1,"items":[]}'), {
        withinMs: 1000,
        timeoutMs: 5000,
      });

      expect(server.maxInFlight()).toBe(75);
      expect(round).toMatchObject({ sent: 75, createdWithin: 75, statuses: { '201': 75 }, connections: 75 });
      expect(round.latencyMs.p50).toBeGreaterThanOrEqual(299);
      expect(round.sendSpreadMs).toBeLessThan(300);
    } finally {
      await server.close();
    }
  });

  test('when some orders are refused or never answered, then only 201s within the limit count, and no answer is status 0', async () => {
    const server = await startServer(50, (n) => (n % 5 === 0 ? 503 : n === 1 ? 0 : 201));
    try {
      const round = await sendSyncBurst(server.url, Array(10).fill('{}'), { withinMs: 1000, timeoutMs: 400 });

      expect(round.statuses).toEqual({ '0': 1, '201': 7, '503': 2 });
      expect(round.createdWithin).toBe(7);
      expect(round.latencyMs.max).toBeGreaterThanOrEqual(399);
    } finally {
      await server.close();
    }
  });

  test('when answers come after the limit, then they are counted by status but not as created in time', () => {
    const round = summariseBurst(
      [
        { status: 201, ms: 200 },
        { status: 201, ms: 1000 },
        { status: 201, ms: 1000.1 },
        { status: 503, ms: 5 },
      ],
      1000,
      1.5,
      4,
    );

    expect(round).toEqual({
      sent: 4,
      createdWithin: 2,
      statuses: { '201': 3, '503': 1 },
      latencyMs: { p50: 200, p99: 1000.1, max: 1000.1 },
      sendSpreadMs: 1.5,
      connections: 4,
    });
  });
});
