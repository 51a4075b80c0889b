/**
 * A burst of sync orders sent at the same moment: one keep-alive connection per order is opened
 * first (a GET /health on each, all at once), then every order is written in the same tick, so
 * all of them are in flight together and none waits for a TCP handshake. k6 is not used here: its
 * VUs would open their connections as they start, a few milliseconds apart.
 */
import http from 'node:http';
import type { BurstRound, SyncBurst } from '../report/result.schema';
import { authorizationHeaders } from './api-token';
import { percentileOf } from './closed-loop';
import { drawOrderBody, readOrderMix } from './order-mix';
import { sleep } from './processes';
import type { RunContext } from './run-context';

export interface BurstOptions {
  /** Answered 201 within this many milliseconds counts as created in time. */
  readonly withinMs: number;
  /** A request without an answer by then counts as status 0. */
  readonly timeoutMs: number;
}

interface Answer {
  readonly status: number;
  readonly ms: number;
}

/**
 * POSTs each of `bodies` (JSON) to `${baseUrl}/orders` together and says how they were answered;
 * `token`, when given, goes with each order as a bearer token.
 */
export async function sendSyncBurst(
  baseUrl: string,
  bodies: readonly string[],
  options: BurstOptions,
  token?: string,
): Promise<BurstRound> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: bodies.length, maxFreeSockets: bodies.length });
  const send = (url: string, method: 'GET' | 'POST', body?: string) =>
    request(agent, { url, method, body, headers: authorizationHeaders(token) }, options.timeoutMs);
  try {
    await Promise.all(bodies.map(() => send(`${baseUrl}/health`, 'GET')));
    const connections = Object.values(agent.freeSockets).reduce((sum, sockets) => sum + (sockets?.length ?? 0), 0);
    const firstAt = performance.now();
    const answers = bodies.map((body) => send(`${baseUrl}/orders`, 'POST', body));
    const sendSpreadMs = Math.round((performance.now() - firstAt) * 10) / 10;
    return summariseBurst(await Promise.all(answers), options.withinMs, sendSpreadMs, connections);
  } finally {
    agent.destroy();
  }
}

export function summariseBurst(
  answers: readonly Answer[],
  withinMs: number,
  sendSpreadMs: number,
  connections: number,
): BurstRound {
  const statuses: Record<string, number> = {};
  for (const { status } of answers) statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
  const latencies = answers.map((answer) => answer.ms);
  return {
    sent: answers.length,
    createdWithin: answers.filter((answer) => answer.status === 201 && answer.ms <= withinMs).length,
    statuses,
    latencyMs: {
      p50: percentileOf(latencies, 0.5),
      p99: percentileOf(latencies, 0.99),
      max: percentileOf(latencies, 1),
    },
    sendSpreadMs,
    connections,
  };
}

interface Outgoing {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly body: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

/** One request; its latency runs from being written to the end of its answer; status 0 when none came. */
function request(agent: http.Agent, { url, method, body, headers }: Outgoing, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const done = (status: number) => resolve({ status, ms: Math.round((performance.now() - startedAt) * 10) / 10 });
    const req = http.request(url, {
      method,
      agent,
      timeout: timeoutMs,
      headers:
        body === undefined
          ? headers
          : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.once('response', (response) => {
      response.resume();
      response.once('end', () => done(response.statusCode ?? 0));
      response.once('error', () => done(0));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => done(0));
    req.end(body);
  });
}

export interface BurstSettings extends BurstOptions {
  readonly orders: number;
  readonly rounds: number;
  readonly pauseSeconds: number;
}

/** `rounds` bursts of `orders` sync orders of k6's order mix through the gateway, a pause before each. */
export async function runSyncBursts(ctx: RunContext, settings: BurstSettings): Promise<SyncBurst | undefined> {
  const productIds = JSON.parse(ctx.k6Env['PRODUCT_IDS'] ?? '[]') as number[];
  if (productIds.length === 0) {
    ctx.say('sync burst: skipped, no products seeded (no k6 run before it)');
    return undefined;
  }
  const mix = readOrderMix();
  const rounds: BurstRound[] = [];
  for (let round = 1; round <= settings.rounds; round += 1) {
    await sleep(settings.pauseSeconds * 1000);
    const bodies = Array.from({ length: settings.orders }, () => JSON.stringify(drawOrderBody(mix, productIds)));
    const result = await sendSyncBurst(ctx.baseUrl, bodies, settings, ctx.k6Env['API_TOKEN']);
    rounds.push(result);
    ctx.say(
      `sync burst ${round}/${settings.rounds}: ${result.createdWithin} of ${result.sent} answered 201 within ${settings.withinMs} ms; statuses ${JSON.stringify(result.statuses)}; p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms; sent within ${result.sendSpreadMs} ms over ${result.connections} connections`,
    );
  }
  return { ordersPerBurst: settings.orders, withinMs: settings.withinMs, rounds };
}
