/**
 * The k6 suite's bearer token (k6/lib/http.js): with API_TOKEN (or API_TOKEN_FILE, as Docker
 * Compose's k6 gets it) every request carries it, whatever sends it (the health probe, the
 * products seeded in batches, the orders); without one, none does. Runs the project's k6 against
 * a stand-in gateway that records each request's Authorization header.
 */
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runK6 } from '../runner/k6';

interface Seen {
  readonly route: string;
  readonly authorization: string | undefined;
}

/** Answers as the gateway would to what a short compare run sends, and remembers who sent what. */
async function startStandIn() {
  const seen: Seen[] = [];
  let nextId = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    const route = `${req.method} ${req.url?.split('?')[0]}`;
    seen.push({ route, authorization: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    if (route === 'POST /products') {
      res.statusCode = 201;
      return void res.end(JSON.stringify({ id: (nextId += 1) }));
    }
    res.statusCode = route === 'POST /orders' ? 201 : route === 'POST /orders/async' ? 202 : 200;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("the k6 suite's bearer token", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'k6-token-'));
  let standIn: Awaited<ReturnType<typeof startStandIn>>;

  beforeEach(async () => {
    standIn = await startStandIn();
  });
  afterEach(() => standIn.close());

  /** A one-second compare step of sync orders; setup() probes /health and seeds the products first. */
  const runCompare = (name: string, env: Record<string, string>) =>
    runK6(
      dir,
      name,
      {
        SCENARIO: 'compare',
        BASE_URL: standIn.url,
        MODES: 'sync',
        RATES: '3',
        STEP_SECONDS: '1',
        GAP_SECONDS: '0',
        WARMUP_SECONDS: '0',
        E2E_SAMPLE: '0',
        API_TOKEN: '',
        API_TOKEN_FILE: '',
        ...env,
      },
      false,
    );
  const routesSeen = () => [...new Set(standIn.seen.map((request) => request.route))].sort();

  test('when API_TOKEN is set, then every request k6 sends carries it as a bearer token', async () => {
    const outcome = await runCompare('with-token', { API_TOKEN: 'header.payload.signature' });

    expect(outcome.steps[0]?.counts.ok).toBeGreaterThan(0);
    expect(routesSeen()).toEqual(['GET /health', 'POST /orders', 'POST /products']);
    expect(standIn.seen.filter((request) => request.authorization !== 'Bearer header.payload.signature')).toEqual([]);
  }, 60_000);

  test('when API_TOKEN_FILE names a file (as Compose gives k6 its token), then the token in it is sent', async () => {
    const file = path.join(dir, 'admin-token');
    writeFileSync(file, 'from.the.file\n');

    await runCompare('with-token-file', { API_TOKEN_FILE: file });

    expect(standIn.seen.length).toBeGreaterThan(200); // the probe, 200 products, the orders
    expect(new Set(standIn.seen.map((request) => request.authorization))).toEqual(new Set(['Bearer from.the.file']));
  }, 60_000);

  test('when no token is given, then no request carries an Authorization header', async () => {
    await runCompare('without-token', {});

    expect(standIn.seen.length).toBeGreaterThan(200);
    expect(standIn.seen.filter((request) => request.authorization !== undefined)).toEqual([]);
  }, 60_000);
});
