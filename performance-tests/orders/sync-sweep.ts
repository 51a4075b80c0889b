/**
 * Benchmark: where the sync path's limit is. For each setting of the pools and admission control,
 * starts the real system (four processes, production mode, databases `*_db_test_sweep`), seeds products
 * with ample stock, drives `POST /orders` with the k6 order mix (1–3 lines, quantity 1–2) from
 * CLIENTS closed-loop clients, and reports per setting:
 * - orders/s, p50/p99 and statuses;
 * - CPU per order of each process (the four services, MariaDB, Kafka), from /proc;
 * - statements, commits, fsyncs and row-lock waits per order, from MariaDB's global status.
 *
 *   CLIENTS=32,64 npm run perf:sync-sweep           (the sweep below, direct to the order service)
 *   SWEEP='[{"ORDER_DB_POOL_MAX":"20"}]' CLIENTS=32,64 SECONDS=15 TARGET=gateway npm run perf:sync-sweep
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createDatabase } from '@ecom/service-kit/db';
import { globalStatus } from './mariadb-status';
import { resolveApiToken } from '../runner/api-token';
import { startLocalSystem, ROOT, type LocalSystem } from '../runner/local-system';
import { formatSummary, summariseProfile } from '../gateway/cpu-profile-summary';
import { closedLoop, seedProducts, type LoopResult } from './order-load';
import { processCpuMs, systemPids, type PidMap } from './process-cpu';

const DEFAULT_SWEEP: Record<string, string>[] = [
  { ORDER_DB_POOL_MAX: '5', PRODUCT_DB_POOL_MAX: '5', SYNC_MAX_IN_FLIGHT: '8', PRODUCT_SERVICE_MAX_IN_FLIGHT: '5' },
  { ORDER_DB_POOL_MAX: '10', PRODUCT_DB_POOL_MAX: '10', SYNC_MAX_IN_FLIGHT: '16', PRODUCT_SERVICE_MAX_IN_FLIGHT: '10' },
  { ORDER_DB_POOL_MAX: '20', PRODUCT_DB_POOL_MAX: '20', SYNC_MAX_IN_FLIGHT: '32', PRODUCT_SERVICE_MAX_IN_FLIGHT: '20' },
];
const sweep: Record<string, string>[] = process.env['SWEEP'] ? JSON.parse(process.env['SWEEP']) : DEFAULT_SWEEP;
const clientCounts = (process.env['CLIENTS'] ?? '32').split(',').map(Number);
const seconds = Number(process.env['SECONDS'] ?? 15);
const target = process.env['TARGET'] === 'gateway' ? 'gateway' : 'order-service';
/** One process to run under `node --cpu-prof` (e.g. order-service); its profile is summarised at the end. */
const profiled = process.env['PROFILE'];
const STATUS_NAMES = [
  'Com_select',
  'Com_insert',
  'Com_update',
  'Com_delete',
  'Com_commit',
  'Com_rollback',
  'Innodb_data_fsyncs',
  'Innodb_row_lock_waits',
  'Innodb_row_lock_time',
  'Questions',
];

const say = (line: string) => console.log(`[perf:sync-sweep] ${line}`);

interface Row {
  readonly setting: Record<string, string>;
  readonly clients: number;
  readonly load: LoopResult;
  readonly cpuMsPerOrder: Record<string, number>;
  readonly perOrder: Record<string, number>;
}

async function main(): Promise<void> {
  const dir = `${ROOT}/performance-tests/results/${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-sync-sweep`;
  mkdirSync(dir, { recursive: true });
  say(
    `${JSON.stringify({ sweep, clientCounts, seconds, target })}; load average ${loadavg().map((v) => v.toFixed(2))}`,
  );
  const rows: Row[] = [];
  let first = true;
  for (const setting of sweep) {
    Object.assign(process.env, setting);
    const system = await startLocalSystem({
      dir,
      say: () => undefined,
      build: first && process.env['BUILD'] !== '0',
      ceilings: false,
      dropOnStop: true,
      wrap: profiled ? cpuProfiler(profiled, `${dir}/profiles`) : undefined,
      names: {
        productDb: 'product_db_test_sweep',
        orderDb: 'order_db_test_sweep',
        topicPrefix: 'sweep',
        workerGroup: 'sweep-worker',
      },
    });
    first = false;
    try {
      for (const clients of clientCounts) rows.push(await measure(system, setting, clients));
    } finally {
      await system.stop();
      for (const name of Object.keys(setting)) delete process.env[name];
    }
  }
  if (profiled) printProfiles(`${dir}/profiles`, rows);
  const table = formatTable(rows);
  console.log(table);
  writeFileSync(`${dir}/sweep.json`, JSON.stringify({ seconds, target, loadAverageAfter: loadavg(), rows }, null, 2));
  writeFileSync(`${dir}/sweep.md`, table);
  say(`written to ${dir}; load average ${loadavg().map((v) => v.toFixed(2))}`);
}

async function measure(system: LocalSystem, setting: Record<string, string>, clients: number): Promise<Row> {
  const productIds = await seedProducts(system.productServiceUrl, 200, 1_000_000);
  const url = `${target === 'gateway' ? system.gatewayUrl : system.orderServiceUrl}/orders`;
  // Through the gateway, an admin token (its verification is part of what is measured); none direct.
  const token = target === 'gateway' ? await resolveApiToken(system) : undefined;
  await closedLoop({ url, productIds, clients, seconds: 3, token }); // warm-up
  const db = createDatabase({ ...system.databases.order, poolMax: 1 });
  try {
    const pids: PidMap = systemPids(system);
    const cpuBefore = processCpuMs(pids);
    const statusBefore = await globalStatus(db, STATUS_NAMES);
    const load = await closedLoop({ url, productIds, clients, seconds, token });
    const cpuAfter = processCpuMs(pids);
    const statusAfter = await globalStatus(db, STATUS_NAMES);
    const placed = load.statuses['201'] ?? 0;
    const per = (value: number) => Math.round((value / Math.max(placed, 1)) * 100) / 100;
    const row: Row = {
      setting,
      clients,
      load,
      cpuMsPerOrder: Object.fromEntries(
        Object.keys(pids).map((name) => [name, per(cpuAfter[name]! - cpuBefore[name]!)]),
      ),
      perOrder: Object.fromEntries(STATUS_NAMES.map((name) => [name, per(statusAfter[name]! - statusBefore[name]!)])),
    };
    say(`${JSON.stringify(setting)} × ${clients} clients: ${load.perSecond}/s p50 ${load.p50Ms} p99 ${load.p99Ms}`);
    return row;
  } finally {
    await db.destroy();
  }
}

function cpuProfiler(service: string, profileDir: string) {
  mkdirSync(profileDir, { recursive: true });
  return {
    service,
    wrap: (nodeArgs: string[]): [string, string[]] => [
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...nodeArgs],
    ],
    stopSignal: 'SIGINT' as const,
  };
}

/** The profile's areas scaled to the CPU per order measured for the profiled process (its last row). */
function printProfiles(profileDir: string, rows: readonly Row[]): void {
  const last = rows[rows.length - 1];
  for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'))) {
    const run = {
      name: `${profiled} (${file})`,
      summary: summariseProfile(`${profileDir}/${file}`, 30),
      requests: last?.load.statuses['201'] ?? 0,
      cpuMicrosPerRequest: (last?.cpuMsPerOrder[profiled!] ?? 0) * 1000,
    };
    console.log(formatSummary(run));
  }
}

function formatTable(rows: readonly Row[]): string {
  const processes = Object.keys(rows[0]?.cpuMsPerOrder ?? {});
  const header = [
    'setting',
    'clients',
    'orders/s',
    'p50 ms',
    'p99 ms',
    'statuses',
    ...processes.map((name) => `CPU ms/order ${name}`),
    'statements/order',
    'commits/order',
    'fsyncs/order',
    'lock waits/order',
  ];
  const lines = rows.map((row) => [
    Object.entries(row.setting)
      .map(([name, value]) => `${name}=${value}`)
      .join(' '),
    row.clients,
    row.load.perSecond,
    row.load.p50Ms,
    row.load.p99Ms,
    JSON.stringify(row.load.statuses),
    ...processes.map((name) => row.cpuMsPerOrder[name]),
    row.perOrder['Questions'],
    row.perOrder['Com_commit'],
    row.perOrder['Innodb_data_fsyncs'],
    row.perOrder['Innodb_row_lock_waits'],
  ]);
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
