/**
 * How long a point's transactions waited for row locks, and for which rows. MariaDB's own
 * counters (`Innodb_row_lock_time`, ms, server-wide) give the total; they cannot say whose wait
 * it was, and most of it is the outbox relays' (a second relay waits for the first one's pending
 * rows while that one publishes them, by design, to keep each key's order). So every
 * SAMPLE_MS the meter also lists the transactions waiting for a lock
 * (information_schema.INNODB_TRX) and sorts them by the table their statement names: by Little's
 * law, the mean number waiting on `products` × the point's seconds is the time reservations spent
 * waiting for product rows, which is where a few hot products show, as N grows.
 */
import { createDatabase, type DatabaseSettings } from '@ecom/service-kit/db';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { globalStatus } from '../orders/mariadb-status';
import { ROOT } from '../runner/local-system';
import type { RowLocksRecord } from './scaling-summary.schema';

type Knex = ReturnType<typeof createDatabase>;

const SAMPLE_MS = 250;
/**
 * Listing other sessions' transactions needs the PROCESS privilege, which the services' accounts
 * rightly lack: a run makes an account of its own (PROCESS only, a random password, named after
 * the process so that two runs never change each other's) through mysql.sh's root client, and
 * drops it when it ends, or exits. Where mysql.sh cannot administer the server (not on this
 * machine), or the account cannot log in, the points carry the server-wide counters only.
 */
const MONITOR_USER = `ecom_perf_monitor_${process.pid}`;
const MONITOR_ACCOUNT = `'${MONITOR_USER}'@'127.0.0.1'`;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

type Counters = { waits: number; ms: number };
/** Transactions seen waiting for a lock, summed over the samples, by the table their statement names. */
export interface WaitingSamples {
  readonly samples: number;
  readonly products: number;
  readonly outbox: number;
}

export interface RowLockMeter {
  /** The waits since the meter started, per order; stops it. */
  read(orders: number): Promise<RowLocksRecord | null>;
  /** Stops the sampler and closes the connection (after `read`, or instead of it on a failed point). */
  stop(): Promise<void>;
}

/** The SQL goes on the client's stdin, never on a command line (where `ps` would show the password). */
function runAsRoot(sql: string): { ok: boolean; why: string } {
  const script = path.join(ROOT, 'infrastructure/mysql/mysql.sh');
  const done = spawnSync('bash', [script, 'client'], { input: `${sql};\n`, encoding: 'utf8', timeout: 15_000 });
  return { ok: done.status === 0, why: (done.stderr || done.error?.message || `exit ${done.status}`).trim() };
}

/**
 * The account the meter lists waiting transactions with; `why` says why there is none (the
 * server not on loopback, or mysql.sh refused). Dropped again by dropLockMonitorAccount or at exit.
 */
export function lockMonitorAccount(base: DatabaseSettings): { monitor: DatabaseSettings | null; why: string } {
  if (!LOOPBACK.has(base.host)) return { monitor: null, why: `MariaDB at ${base.host} is not this machine's` };
  const password = randomBytes(18).toString('base64url');
  process.once('exit', dropLockMonitorAccount);
  const made = runAsRoot(
    [
      `CREATE USER IF NOT EXISTS ${MONITOR_ACCOUNT} IDENTIFIED BY '${password}'`,
      `ALTER USER ${MONITOR_ACCOUNT} IDENTIFIED BY '${password}'`,
      `GRANT PROCESS ON *.* TO ${MONITOR_ACCOUNT}`,
    ].join('; '),
  );
  if (!made.ok) return { monitor: null, why: `mysql.sh client: ${made.why}` };
  const account = { host: '127.0.0.1', user: MONITOR_USER, password, database: 'information_schema' };
  return { monitor: { ...base, ...account }, why: '' };
}

/** Drops the account lockMonitorAccount made, or half made (nothing when there is none). */
export function dropLockMonitorAccount(): void {
  process.off('exit', dropLockMonitorAccount);
  runAsRoot(`DROP USER IF EXISTS ${MONITOR_ACCOUNT}`);
}

/**
 * Reads the counters, and samples the waiting transactions with `monitor` when there is one and
 * it can log in; otherwise with `settings` (any account may read the counters), counters only.
 */
export async function startRowLockMeter(
  settings: DatabaseSettings,
  monitor: DatabaseSettings | null,
): Promise<RowLockMeter> {
  const connected = (monitor && (await connectOrNull({ ...monitor, poolMax: 1 }))) || null;
  const db = connected ?? createDatabase({ ...settings, poolMax: 1 });
  const waiting = { samples: 0, products: 0, outbox: 0 };
  let before: Counters;
  try {
    before = await readCounters(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const startedAt = performance.now();
  const sampler = connected ? startSampler(db, waiting) : undefined;
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= (sampler?.stop() ?? Promise.resolve()).then(() => db.destroy()));
  return {
    read: async (orders) => {
      const endedAt = performance.now();
      try {
        await sampler?.stop(); // the last sample counted before the counters are read; stop() then only closes
        return rowLocksPerOrder(before, await readCounters(db), waiting, (endedAt - startedAt) / 1000, orders);
      } finally {
        await stop();
      }
    },
    stop,
  };
}

async function connectOrNull(settings: DatabaseSettings): Promise<Knex | null> {
  const db = createDatabase(settings);
  try {
    await db.raw('SELECT 1');
    return db;
  } catch {
    await db.destroy();
    return null;
  }
}

async function readCounters(db: Knex): Promise<Counters> {
  const status = await globalStatus(db, ['Innodb_row_lock_waits', 'Innodb_row_lock_time']);
  return { waits: status['Innodb_row_lock_waits']!, ms: status['Innodb_row_lock_time']! };
}

/** Every SAMPLE_MS, unless the last sample is still running (a tick is skipped, not queued). */
function startSampler(db: Knex, waiting: { -readonly [K in keyof WaitingSamples]: WaitingSamples[K] }) {
  let inFlight: Promise<void> | undefined;
  const sample = async () => {
    const [rows] = (await db.raw(
      "SELECT trx_query AS query FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'",
    )) as [{ query: string | null }[]];
    const tally = countWaiting(rows.map((row) => row.query));
    waiting.samples += 1;
    waiting.products += tally.products;
    waiting.outbox += tally.outbox;
  };
  const timer = setInterval(() => {
    // A sample that fails (the server gone for a moment) counts as none.
    inFlight ??= sample()
      .catch(() => undefined)
      .finally(() => (inFlight = undefined));
  }, SAMPLE_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}

/** The waiting statements by the table they name (a statement naming neither counts for neither). */
export function countWaiting(queries: readonly (string | null)[]): { products: number; outbox: number } {
  let products = 0;
  let outbox = 0;
  for (const query of queries) {
    if (query === null) continue;
    if (/\boutbox_events\b/i.test(query)) outbox += 1;
    else if (/\bproducts\b/i.test(query)) products += 1;
  }
  return { products, outbox };
}

export function rowLocksPerOrder(
  before: Counters,
  after: Counters,
  waiting: WaitingSamples,
  seconds: number,
  orders: number,
): RowLocksRecord | null {
  if (orders <= 0) return null;
  const per = (value: number) => Math.round((value / orders) * 1000) / 1000;
  /** Mean waiting × seconds = time spent waiting (Little's law), in ms; null without samples. */
  const sampled = (sum: number) => (waiting.samples === 0 ? null : per((sum / waiting.samples) * seconds * 1000));
  return {
    waits_per_order: per(after.waits - before.waits),
    wait_ms_per_order: per(after.ms - before.ms),
    product_wait_ms_per_order: sampled(waiting.products),
    outbox_wait_ms_per_order: sampled(waiting.outbox),
    samples: waiting.samples,
  };
}
