/**
 * Benchmark: what does the gateway cost per request, next to nginx as the reference reverse proxy?
 *
 *   npm run perf:gateway               (CONNECTIONS=50 DURATION_SECONDS=10 WARMUP_SECONDS=3 ROUNDS=1 NGINX_WORKERS=1)
 *   npm run perf:gateway -- --profile  (then a CPU profile of the gateway under the same load, summarised)
 *
 * In one run on this machine, the same request (GET of a tiny JSON body from a hello-world Koa
 * upstream) is measured (a) direct to the upstream, (b) through nginx (Debian's package, its own
 * config, keep-alive upstream pool, buffered access log), (c) through the gateway (the real
 * start(): every middleware, JSON access log, keep-alive agent), (d) the gateway without
 * keep-alive; and, as reference points, http-proxy-middleware alone on node:http and as the only
 * middleware of Express, and a minimal proxy of node:http alone, the floor for any Node proxy
 * (reference-proxy.process.ts). Per variant: a warm-up, the latency of sequential requests without load, then
 * autocannon (its own process) at CONNECTIONS for DURATION_SECONDS, with the gateway's CPU time.
 * Every process is separate; everything started is stopped by pid at the end.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startChild, type Child } from './child-process';
import { formatSummary, summariseProfile } from './cpu-profile-summary';
import { probeLatency } from './latency-probe';
import { runLoad } from './load';
import { ensureNginxInstalled, startNginx } from './nginx';
import { formatReport, medianRows, type Measurement } from './report';

const settings = {
  connections: Number(process.env['CONNECTIONS'] ?? 50),
  seconds: Number(process.env['DURATION_SECONDS'] ?? 10),
  warmupSeconds: Number(process.env['WARMUP_SECONDS'] ?? 3),
  rounds: Number(process.env['ROUNDS'] ?? 1),
  nginxWorkers: Number(process.env['NGINX_WORKERS'] ?? 1),
  profile: process.argv.includes('--profile'),
};
/** A public route of the gateway; nginx and the upstream answer any path the same. */
const PATH = '/products';

interface Variant {
  readonly name: string;
  readonly url: string;
  readonly process?: Child;
}

const say = (line: string) => console.log(`[perf:gateway] ${line}`);
const stops: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'perf-gateway-'));
  say(`working directory ${dir}; ${JSON.stringify(settings)}`);
  ensureNginxInstalled(say);
  const variants = await startVariants(dir);
  const measurements: Measurement[] = [];
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const variant of variants) measurements.push(await measure(variant, round));
  }
  const table = formatReport(
    medianRows(
      measurements,
      variants.map((variant) => variant.name),
    ),
    settings.connections,
  );
  console.log(`\n${table}\n`);
  writeFileSync(`${dir}/results.json`, JSON.stringify({ settings, measurements, table }, null, 2));
  say(`raw results: ${dir}/results.json`);
  if (settings.profile) await profileGateway(variants[2]!.process!, dir);
}

async function startVariants(dir: string): Promise<Variant[]> {
  const upstream = track(
    await startChild('koa-upstream.process.ts', { env: process.env, logFile: `${dir}/upstream.log` }),
  );
  const nginx = track(await startNginx(upstream.url, `${dir}/nginx`, settings.nginxWorkers));
  const gateway = track(await startGateway(upstream.url, dir, true));
  const withoutKeepAlive = track(await startGateway(upstream.url, dir, false));
  const reference = (name: string) =>
    startChild('reference-proxy.process.ts', {
      env: { ...process.env, UPSTREAM_URL: upstream.url, REFERENCE: name },
      logFile: `${dir}/${name}.log`,
    }).then(track);
  const [minimal, bare, express] = [
    await reference('node-http'),
    await reference('http-proxy-middleware'),
    await reference('express'),
  ];
  say(`pids: upstream ${upstream.pid}, nginx ${nginx.pid}, gateways ${gateway.pid} ${withoutKeepAlive.pid}`);
  return [
    { name: 'direct (Koa upstream)', url: upstream.url + PATH },
    { name: 'nginx (keep-alive upstream)', url: nginx.url + PATH },
    { name: 'gateway (keep-alive agent)', url: gateway.url + PATH, process: gateway },
    { name: 'gateway (no keep-alive)', url: withoutKeepAlive.url + PATH, process: withoutKeepAlive },
    { name: 'ref: minimal node:http proxy', url: minimal.url + PATH, process: minimal },
    { name: 'ref: bare proxy library', url: bare.url + PATH, process: bare },
    { name: 'ref: Express + proxy library', url: express.url + PATH, process: express },
  ];
}

function track<T extends { stop(): Promise<void> }>(started: T): T {
  stops.push(() => started.stop());
  return started;
}

function startGateway(upstreamUrl: string, dir: string, keepAlive: boolean) {
  const name = keepAlive ? 'gateway' : 'gateway-no-keep-alive';
  const env = {
    ...process.env,
    PRODUCT_SERVICE_URLS: upstreamUrl,
    UPSTREAM_KEEP_ALIVE: String(keepAlive),
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info', // the JSON access log stays on, written to a file
    RATE_LIMIT_PER_MINUTE: '1000000000', // the limiter counts every request but never refuses one
  };
  return startChild('gateway.process.ts', { env, logFile: `${dir}/${name}.log` });
}

async function measure(variant: Variant, round: number): Promise<Measurement> {
  const load = { connections: settings.connections, seconds: settings.seconds };
  await runLoad(variant.url, { ...load, seconds: settings.warmupSeconds });
  const idle = await probeLatency(variant.url);
  const cpuBefore = await variant.process?.cpuMicros();
  const result = await runLoad(variant.url, load);
  const cpuAfter = await variant.process?.cpuMicros();
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  say(`round ${round}: ${variant.name}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms`);
  return {
    variant: variant.name,
    ...result,
    ...idle,
    ...(cpu !== undefined && { cpuMicrosPerRequest: cpu / Math.max(1, result.total) }),
  };
}

async function profileGateway(gateway: Child, dir: string): Promise<void> {
  const file = `${dir}/gateway.cpuprofile`;
  const load = { connections: settings.connections, seconds: settings.seconds };
  say(`profiling the gateway (V8 CPU profiler, steady state) under the same load: ${file}`);
  await runLoad(gateway.url + PATH, { ...load, seconds: settings.warmupSeconds });
  await gateway.startProfiling();
  await runLoad(gateway.url + PATH, load);
  await gateway.stopProfiling(file);
  console.log(formatSummary(summariseProfile(file)));
}

async function stopEverything(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop().catch((error: unknown) => say(`stop failed: ${error}`));
}

process.once('SIGINT', () => void stopEverything().finally(() => process.exit(130)));
main()
  .catch((error: unknown) => {
    say(`failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  })
  .finally(stopEverything);
