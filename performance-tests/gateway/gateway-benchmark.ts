/**
 * Benchmark: what does the gateway cost per request, next to nginx as the reference reverse proxy?
 *
 *   npm run perf:gateway               (CONNECTIONS=50 DURATION_SECONDS=10 WARMUP_SECONDS=3 ROUNDS=1 NGINX_WORKERS=1)
 *   npm run perf:gateway -- --profile  (then CPU profiles of the gateway and its references under the same load, compared)
 *   GATEWAY_MAIN=/path/to/other/gateway/dist/main.js npm run perf:gateway   (measure another build of the gateway)
 *
 * Every run prints the gateway's own CPU µs per request above bare http-proxy-middleware on
 * node:http (issue 16's goal: ≤ 50 µs) and above Express + http-proxy-middleware, and writes a
 * summary.json (gateway-summary.schema.ts) to performance-tests/results/<timestamp>-gateway/, or to
 * RESULTS_DIR exactly when that is set.
 *
 * In one run on this machine, the same request (GET of a tiny JSON body from a hello-world Koa
 * upstream) is measured (a) direct to the upstream, (b) through nginx (Debian's package, its own
 * config, keep-alive upstream pool, buffered access log), (c) through the gateway (the real
 * start() from its compiled dist/, built first: every middleware, JSON access log, keep-alive
 * agent), (d) the gateway without keep-alive; and, as reference points, http-proxy-middleware
 * alone on node:http and as the only middleware of Express, and a minimal proxy of node:http
 * alone, the floor for any Node proxy (reference-proxy.process.mjs). The gateways run with auth on
 * (a fresh HS256 secret): the small GET is a public catalogue read, and the same gateway is also
 * measured on a protected route (GET /orders/:id with an admin token), so the difference is what
 * verifying a bearer token costs per request. Per variant: a warm-up, the
 * latency of sequential requests without load, then autocannon (its own process) at CONNECTIONS
 * for DURATION_SECONDS, with the proxy process's CPU time. Every process is separate and runs on
 * plain Node (child-process.ts says why); everything started is stopped by pid at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSigningSecret } from '@ecom/auth';
import { z } from 'zod';
import { authorizationHeaders, resolveApiToken } from '../runner/api-token';
import { startChild, type Child } from './child-process';
import { formatComparison, formatSummary, summariseProfile, type ProfiledRun } from './cpu-profile-summary';
import { buildGatewaySummary, loadAverage, resultsDirectory, writeGatewaySummary } from './gateway-summary';
import { probeLatency } from './latency-probe';
import { runLoad } from './load';
import { ensureNginxInstalled, startNginx } from './nginx';
import { cpuAbove, formatOwnCost, formatReport, formatTokenCost, medianRows, type Measurement } from './report';

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const settings = z
  .object({
    CONNECTIONS: count(50),
    DURATION_SECONDS: z.coerce.number().positive().default(10),
    WARMUP_SECONDS: z.coerce.number().nonnegative().default(3),
    ROUNDS: count(1),
    NGINX_WORKERS: count(1),
  })
  .transform((env) => ({
    connections: env.CONNECTIONS,
    seconds: env.DURATION_SECONDS,
    warmupSeconds: env.WARMUP_SECONDS,
    rounds: env.ROUNDS,
    nginxWorkers: env.NGINX_WORKERS,
    profile: process.argv.includes('--profile'),
  }))
  .parse(process.env);
/** A public route of the gateway; nginx and the upstream answer any path the same. */
const PATH = '/products';
/** A protected route (a signed-in customer or admin): the gateway verifies the bearer token first. */
const PROTECTED_PATH = '/orders/00000000-0000-4000-8000-000000000000';
/** Issue 16: the gateway's own CPU per request, above bare http-proxy-middleware, at most this. */
const OWN_CPU_GOAL_MICROS = 50;

const VARIANTS = {
  direct: 'direct (Koa upstream)',
  nginx: 'nginx (keep-alive upstream)',
  gateway: 'gateway (keep-alive agent)',
  gatewayWithToken: 'gateway (JWT verified)',
  gatewayWithoutKeepAlive: 'gateway (no keep-alive)',
  minimal: 'ref: minimal node:http proxy',
  library: 'ref: bare proxy library',
  express: 'ref: Express + proxy library',
} as const;

interface Variant {
  readonly name: string;
  readonly url: string;
  readonly process?: Child;
  /** Sent with every request of this variant (the bearer token of the protected route). */
  readonly headers?: Readonly<Record<string, string>>;
}

const say = (line: string) => console.log(`[perf:gateway] ${line}`);
const stops: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAverageBefore = loadAverage();
  const dir = mkdtempSync(path.join(tmpdir(), 'perf-gateway-'));
  say(`working directory ${dir}; ${JSON.stringify(settings)}; load average ${loadAverageBefore.join(', ')}`);
  ensureNginxInstalled(say);
  buildGateway();
  const variants = await startVariants(dir);
  const measurements = await measureRounds(variants);
  const rows = medianRows(
    measurements,
    variants.map((variant) => variant.name),
  );
  const aboveLibrary = cpuAbove(measurements, VARIANTS.gateway, VARIANTS.library);
  const aboveExpress = cpuAbove(measurements, VARIANTS.gateway, VARIANTS.express);
  const protectedRouteCost = cpuAbove(measurements, VARIANTS.gatewayWithToken, VARIANTS.gateway);
  const table = formatReport(rows, settings.connections);
  const costs = [
    ...formatOwnCost(aboveLibrary, aboveExpress, OWN_CPU_GOAL_MICROS),
    formatTokenCost(protectedRouteCost),
  ];
  console.log(`\n${table}\n${costs.join('\n')}\n`);
  writeFileSync(`${dir}/results.json`, JSON.stringify({ settings, measurements, table }, null, 2));
  say(`raw results: ${dir}/results.json`);
  const summary = buildGatewaySummary({
    startedAt,
    settings: {
      connections: settings.connections,
      duration_seconds: settings.seconds,
      warmup_seconds: settings.warmupSeconds,
      rounds: settings.rounds,
      nginx_workers: settings.nginxWorkers,
      profile: settings.profile,
    },
    loadAverageBefore,
    rows,
    aboveLibrary,
    aboveExpress,
    protectedRouteCost,
  });
  say(`summary: ${writeGatewaySummary(resultsDirectory(startedAt), summary)}`);
  say(`load average before ${loadAverageBefore.join(', ')}, after ${summary.machine.load_average_after.join(', ')}`);
  if (settings.profile) await profileGateway(variants, dir);
}

/** Every variant once per round, in the same order, so each round's figures were taken close together. */
async function measureRounds(variants: readonly Variant[]): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const variant of variants) measurements.push(await measure(variant, round));
  }
  return measurements;
}

/**
 * The gateway is measured as it runs in production, from dist/: compiled here from the current
 * sources, unless GATEWAY_MAIN names another build to measure (gateway.process.mjs).
 */
function buildGateway(): void {
  if (process.env['GATEWAY_MAIN']) return say(`gateway: ${process.env['GATEWAY_MAIN']} (GATEWAY_MAIN)`);
  const gateway = path.resolve(__dirname, '../../gateway');
  say(`building ${gateway} (tsc -b)`);
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', gateway], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error(`tsc -b ${gateway} failed (exit ${build.status})`);
}

/** Node processes run as the system launcher runs them (NODE_ENV=production unless set). */
const nodeEnv = { ...process.env, NODE_ENV: process.env['NODE_ENV'] ?? 'production' };

async function startVariants(dir: string): Promise<Variant[]> {
  const upstream = track(
    await startChild('koa-upstream.process.mjs', { env: nodeEnv, logFile: `${dir}/upstream.log` }),
  );
  const nginx = track(await startNginx(upstream.url, `${dir}/nginx`, settings.nginxWorkers));
  const secret = generateSigningSecret();
  const gateway = track(await startGateway(upstream.url, dir, { keepAlive: true, secret }));
  const withoutKeepAlive = track(await startGateway(upstream.url, dir, { keepAlive: false, secret }));
  const token = authorizationHeaders(await resolveApiToken({ signingKey: { algorithm: 'HS256', secret } }, {}));
  const reference = (name: string) =>
    startChild('reference-proxy.process.mjs', {
      env: { ...nodeEnv, UPSTREAM_URL: upstream.url, REFERENCE: name },
      logFile: `${dir}/${name}.log`,
    }).then(track);
  const [minimal, bare, express] = [
    await reference('node-http'),
    await reference('http-proxy-middleware'),
    await reference('express'),
  ];
  say(`pids: upstream ${upstream.pid}, nginx ${nginx.pid}, gateways ${gateway.pid} ${withoutKeepAlive.pid}`);
  // Direct first: the other rows' added latency is relative to it (report.ts, gateway-summary.ts).
  return [
    { name: VARIANTS.direct, url: upstream.url + PATH },
    { name: VARIANTS.nginx, url: nginx.url + PATH },
    { name: VARIANTS.gateway, url: gateway.url + PATH, process: gateway },
    { name: VARIANTS.gatewayWithToken, url: gateway.url + PROTECTED_PATH, process: gateway, headers: token },
    { name: VARIANTS.gatewayWithoutKeepAlive, url: withoutKeepAlive.url + PATH, process: withoutKeepAlive },
    { name: VARIANTS.minimal, url: minimal.url + PATH, process: minimal },
    { name: VARIANTS.library, url: bare.url + PATH, process: bare },
    { name: VARIANTS.express, url: express.url + PATH, process: express },
  ];
}

function track<T extends { stop(): Promise<void> }>(started: T): T {
  stops.push(() => started.stop());
  return started;
}

/** The gateway with auth on, as deployed: both upstreams are the Koa app, so a protected route answers too. */
function startGateway(upstreamUrl: string, dir: string, { keepAlive, secret }: { keepAlive: boolean; secret: string }) {
  const name = keepAlive ? 'gateway' : 'gateway-no-keep-alive';
  const env = {
    ...nodeEnv,
    PRODUCT_SERVICE_URLS: upstreamUrl,
    ORDER_SERVICE_URLS: upstreamUrl,
    AUTH_ENABLED: 'true',
    AUTH_HS256_SECRET: secret,
    UPSTREAM_KEEP_ALIVE: String(keepAlive),
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info', // the JSON access log stays on, written to a file
    RATE_LIMIT_PER_MINUTE: '1000000000', // the limiter counts every request but never refuses one
  };
  return startChild('gateway.process.mjs', { env, logFile: `${dir}/${name}.log` });
}

async function measure(variant: Variant, round: number): Promise<Measurement> {
  const load = { connections: settings.connections, seconds: settings.seconds, headers: variant.headers ?? {} };
  await runLoad(variant.url, { ...load, seconds: settings.warmupSeconds });
  const idle = await probeLatency(variant.url, load.headers);
  const cpuBefore = await variant.process?.cpuMicros();
  const result = await runLoad(variant.url, load);
  const cpuAfter = await variant.process?.cpuMicros();
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  say(`round ${round}: ${variant.name}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms`);
  return {
    variant: variant.name,
    round,
    ...result,
    ...idle,
    ...(cpu !== undefined && { cpuMicrosPerRequest: cpu / Math.max(1, result.total) }),
  };
}

/**
 * CPU profiles of the gateway and of its two references under the same load, each summarised,
 * then the gateway's self time by area next to bare http-proxy-middleware's and Express's, in µs
 * per request: what the gateway spends above them, and where.
 */
async function profileGateway(variants: readonly Variant[], dir: string): Promise<void> {
  const byName = (name: string) => variants.find((variant) => variant.name === name)!;
  const gateway = await profileOne(byName(VARIANTS.gateway), dir);
  console.log(`\n${formatSummary(gateway)}\n`);
  for (const name of [VARIANTS.library, VARIANTS.express]) {
    console.log(`${formatComparison(gateway, await profileOne(byName(name), dir))}\n`);
  }
}

async function profileOne(variant: Variant, dir: string): Promise<ProfiledRun> {
  const file = `${dir}/${variant.name.replace(/[^\w]+/g, '-')}.cpuprofile`;
  const load = { connections: settings.connections, seconds: settings.seconds, headers: variant.headers ?? {} };
  say(`profiling ${variant.name} (V8 CPU profiler, steady state) under the same load: ${file}`);
  await runLoad(variant.url, { ...load, seconds: settings.warmupSeconds });
  await variant.process!.startProfiling();
  const cpuBefore = await variant.process!.cpuMicros();
  const result = await runLoad(variant.url, load);
  const cpuMicrosPerRequest = ((await variant.process!.cpuMicros()) - cpuBefore) / Math.max(1, result.total);
  await variant.process!.stopProfiling(file);
  return { name: variant.name, summary: summariseProfile(file), requests: result.total, cpuMicrosPerRequest };
}

async function stopEverything(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop().catch((error: unknown) => say(`stop failed: ${error}`));
}

// Ctrl-C, or a caller that stops the run (the capacity run sends SIGTERM), stops what it started.
process.once('SIGINT', () => void stopEverything().finally(() => process.exit(130)));
process.once('SIGTERM', () => void stopEverything().finally(() => process.exit(143)));
main()
  .catch((error: unknown) => {
    say(`failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  })
  .finally(stopEverything);
