/**
 * The drain rate of N workers: the N replicas join the consumer group and settle, drain a warm-up
 * burst without quotas, are put under their quotas, and are frozen (SIGSTOP) so they hold their
 * partitions but take nothing; a burst of async orders is queued, and all N are thawed (SIGCONT)
 * at once. The rate is counted from the orders themselves (countPlacedSince). Frozen longer than
 * the worker's session timeout (10 s), the group would rebalance in the middle; the burst is sized
 * to be sent well within it and its send time is reported.
 */
import { createDatabase, type DatabaseSettings } from '@ecom/service-kit/db';
import { createKafka } from '@ecom/service-kit/kafka';
import { createLogger } from '@ecom/service-kit/logging';
import { sleep } from '../runner/processes';
import { awaitDrained, runK6Step, type RunContext } from '../runner/run-context';
import { startCpuMeter, type CpuReading } from './point-cpu';
import { openLimitWindow, type LimitReading, type TierUnderQuota } from './point-limit';
import { startRowLockMeter } from './row-locks';
import type { RowLocksRecord } from './scaling-summary.schema';
import type { TierReplicas } from './tier-replicas';

export interface ReplicaDrain {
  readonly placed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly sendSeconds: number;
  readonly cpu: CpuReading;
  /** What the drain used of the tier's quota and of the machine (point-limit.ts). */
  readonly limit: LimitReading;
  readonly rowLocks: RowLocksRecord | null;
}

export async function measureReplicaDrain(
  ctx: RunContext,
  replicas: TierReplicas,
  orders: number,
  tier: TierUnderQuota,
  lockMonitor: DatabaseSettings | null,
): Promise<ReplicaDrain> {
  const system = ctx.system!;
  await awaitGroupStable(system.brokers, system.workerGroup, replicas.replicas.length);
  await warmUp(ctx, replicas.replicas.length, Math.max(WARM_UP_MIN_ORDERS, Math.round(orders / 5)));
  replicas.applyQuotas();
  const meter = await startCpuMeter(system, replicas.processes);
  // Connected before the workers freeze: the frozen time is kept short (the session timeout).
  const rowLocks = await startRowLockMeter(system.databases.order, lockMonitor);
  const pids = replicas.replicas.map((replica) => replica.process.pid);
  pids.forEach((pid) => process.kill(pid, 'SIGSTOP'));
  let thawed = false;
  // Thawed here on every path; a run stopped meanwhile thaws them as it stops them (ManagedProcess).
  const thaw = () => {
    if (!thawed) pids.forEach((pid) => process.kill(pid, 'SIGCONT'));
    thawed = true;
  };
  try {
    const sendStart = Date.now();
    await runK6Step(ctx, `scaling-burst-${pids.length}x`, burstEnv(orders), false);
    const sendSeconds = (Date.now() - sendStart) / 1000;
    meter.rebase(); // the burst's acceptance is not the drain's work
    const { thawedAt, limit } = await drainThawed(ctx, thaw, tier);
    const placed = await countPlacedSince(ctx, thawedAt);
    const locks = await rowLocks.read(placed.placed);
    return { ...placed, sendSeconds, cpu: meter.read(placed.placed), limit, rowLocks: locks };
  } finally {
    thaw();
    await rowLocks.stop();
  }
}

/** Thaws the workers and waits for their backlog to drain, reading the tier's limit meanwhile. */
async function drainThawed(ctx: RunContext, thaw: () => void, tier: TierUnderQuota) {
  const thawedAt = new Date();
  const window = openLimitWindow(tier);
  thaw();
  try {
    await awaitDrained({ ...ctx, workerPaused: false }, 300_000);
    return { thawedAt, limit: window.close() };
  } catch (error) {
    window.close(); // it samples on a timer
    throw error;
  }
}

const WARM_UP_MIN_ORDERS = 500;

/** A smaller burst placed by the replicas before their quotas apply, timed by nothing (see applyQuotas). */
async function warmUp(ctx: RunContext, replicas: number, orders: number): Promise<void> {
  await runK6Step(ctx, `scaling-drain-warm-up-${replicas}x`, burstEnv(orders), false);
  await awaitDrained({ ...ctx, workerPaused: false }, 120_000);
}

function burstEnv(orders: number): Record<string, string> {
  return { SCENARIO: 'burst', BURST_ORDERS: String(orders), BURST_VUS: '64', E2E_SAMPLE: '0' };
}

/**
 * The drain's rate from the orders: an order's `created_at` is when its chunk's placement began,
 * so the orders of the last chunks to begin were placed after the last `created_at`. The rate is
 * the orders whose chunk began before that last moment, over the time from the first: chunks
 * begun per second, times their orders, with no unfinished chunk counted as if it took no time.
 */
async function countPlacedSince(ctx: RunContext, since: Date) {
  const db = createDatabase(ctx.system!.databases.order);
  try {
    const span = (await db('orders')
      .where('created_at', '>=', since)
      .first(db.raw('count(*) as n'), db.raw('min(created_at) as first'), db.raw('max(created_at) as last'))) as
      { n: number; first: Date | null; last: Date | null } | undefined;
    const placed = Number(span?.n ?? 0);
    if (!span?.first || !span.last || placed === 0) return { placed: 0, seconds: 0, perSecond: 0 };
    const begun = (await db('orders')
      .where('created_at', '>=', since)
      .andWhere('created_at', '<', span.last)
      .first(db.raw('count(*) as n'))) as { n: number } | undefined;
    const seconds = Math.max(0.001, (span.last.getTime() - span.first.getTime()) / 1000);
    return { placed, seconds, perSecond: Math.round(Number(begun?.n ?? 0) / seconds) };
  } finally {
    await db.destroy();
  }
}

/** Waits until the group has `members` members and is Stable (every partition assigned). */
async function awaitGroupStable(brokers: readonly string[], group: string, members: number): Promise<void> {
  const admin = createKafka({
    clientId: 'perf-scaling',
    brokers,
    logger: createLogger({ service: 'perf', level: 'silent' }),
  }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { groups } = await admin.describeGroups([group]);
      const described = groups[0];
      if (described?.state === 'Stable' && described.members.length === members) return;
      await sleep(500);
    }
    throw new Error(`consumer group ${group} did not settle with ${members} members within 60 s`);
  } finally {
    await admin.disconnect();
  }
}
