/**
 * What held a scaling point back. On two shared cores a replica count can run out of machine
 * before it runs out of its own quota, and then X(N) measures the machine, not the tier. So
 * during each probe's measured step (snapshots every SNAPSHOT_MS, read between the step's start
 * and end, so k6's start-up and the drain after it are left out) and during a drain, it reads:
 *   - the scaled tier's CPU ÷ its quota (N × cores per replica), from /proc;
 *   - the share of CFS periods in which a replica used up its quota and waited (cgroup cpu.stat);
 *   - the cores the whole machine kept busy, k6 and everything else included (/proc/stat).
 * Judged at the load that broke the point (the search's lowest missed rate, or the drain):
 *   tier     the replicas used ≥ TIER_SATURATED of their quota; or, the machine not full, they
 *            used it up and waited in at least TIER_THROTTLED of the periods (a drain's window
 *            ends with the lag sampler's last reads, idle, which dilutes the use but not the
 *            periods it waited in);
 *   machine  neither, and the machine's cores were ≥ MACHINE_SATURATED busy: a replica waiting
 *            for its quota then also waited for a core, and the point measured both;
 *   neither  no CPU ran out: the mode's own waits (locks, round trips, the SLO) were the limit.
 * Only points limited by the tier or by neither say something about the tier; the USL is fitted to
 * those (scaling-curve.ts).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { cpuTicksOf, TICKS_PER_SECOND } from '../runner/machine-load';
import type { ProbeSpan } from '../runner/capacity-search';
import { processTree, type CpuQuotas, type Throttling } from './cpu-quotas';
import type { PointLimitRecord } from './scaling-summary.schema';

/** The replicas used at least this share of their quota: the quota was what they waited for. */
const TIER_SATURATED = 0.8;
/** …or a replica used up its quota and waited in at least this share of the CFS periods. */
const TIER_THROTTLED = 0.5;
/** The machine's cores were at least this share busy. */
const MACHINE_SATURATED = 0.9;

export interface LimitReading {
  readonly tierQuotaUse: number;
  /** null without a cgroup controller (taskset, none). */
  readonly throttledShare: number | null;
  readonly machineCores: number;
}

export interface LimitWindow {
  /**
   * What the window saw: over `span` when given (the measured step alone, without k6's start-up
   * and the drain after it), else over all of it since it opened. Stops its sampling.
   */
  close(span?: ProbeSpan): LimitReading;
}

export interface TierUnderQuota {
  readonly pids: readonly number[];
  readonly quotas: CpuQuotas;
  /** N × cores per replica. */
  readonly quotaCores: number;
}

/** The counters at one moment. */
export interface Snapshot {
  readonly atMs: number;
  readonly tierTicks: number;
  readonly machineBusy: number;
  readonly throttling: Throttling | null;
}

const SNAPSHOT_MS = 500;

export function openLimitWindow(tier: TierUnderQuota): LimitWindow {
  // The replicas and their children, found once: a scan of /proc every snapshot would cost CPU.
  const pids = tier.pids.flatMap((pid) => processTree(pid));
  const take = (): Snapshot => ({
    atMs: Date.now(),
    tierTicks: pids.reduce((sum, pid) => sum + (cpuTicksOf(pid) ?? 0), 0),
    machineBusy: machineTicks().busy,
    throttling: tier.quotas.throttling(),
  });
  const snapshots = [take()];
  const timer = setInterval(() => snapshots.push(take()), SNAPSHOT_MS);
  timer.unref();
  return {
    close: (span) => {
      clearInterval(timer);
      snapshots.push(take());
      const [from, to] = span ? snapshotsWithin(snapshots, span) : [snapshots[0]!, snapshots.at(-1)!];
      return readingBetween(from, to, tier.quotaCores);
    },
  };
}

/** The first snapshot at or after the span's start and the last at or before its end (the window's ends if too few). */
export function snapshotsWithin(snapshots: readonly Snapshot[], span: ProbeSpan): [Snapshot, Snapshot] {
  const from = snapshots.find((snapshot) => snapshot.atMs >= span.fromMs);
  const to = snapshots.findLast((snapshot) => snapshot.atMs <= span.toMs);
  return from && to && to.atMs - from.atMs >= 2 * SNAPSHOT_MS ? [from, to] : [snapshots[0]!, snapshots.at(-1)!];
}

export function readingBetween(from: Snapshot, to: Snapshot, quotaCores: number): LimitReading {
  const seconds = Math.max(0.001, (to.atMs - from.atMs) / 1000);
  const periods = from.throttling && to.throttling ? to.throttling.periods - from.throttling.periods : 0;
  return {
    // A replica's child that ended inside the window takes its ticks along: never below 0.
    tierQuotaUse: round(Math.max(0, (to.tierTicks - from.tierTicks) / TICKS_PER_SECOND / seconds / quotaCores)),
    throttledShare:
      from.throttling && to.throttling && periods > 0
        ? round(Math.min(1, Math.max(0, (to.throttling.throttled - from.throttling.throttled) / periods)))
        : null,
    machineCores: round(Math.max(0, (to.machineBusy - from.machineBusy) / TICKS_PER_SECOND / seconds)),
  };
}

export function judgeLimit(reading: LimitReading, cpus = availableParallelism()): PointLimitRecord['verdict'] {
  if (reading.tierQuotaUse >= TIER_SATURATED) return 'tier';
  if (reading.machineCores >= MACHINE_SATURATED * cpus) return 'machine';
  return (reading.throttledShare ?? 0) >= TIER_THROTTLED ? 'tier' : 'neither';
}

/** The record of a point's limit: what the reading at `rate` (null for a drain) says. */
export function limitRecord(
  reading: LimitReading,
  rate: number | null,
  cpus = availableParallelism(),
): PointLimitRecord {
  return {
    verdict: judgeLimit(reading, cpus),
    at_rate: rate,
    tier_quota_use: reading.tierQuotaUse,
    throttled_share: reading.throttledShare,
    machine_cores: reading.machineCores,
    machine_cpus: cpus,
  };
}

/** The machine's busy ticks so far: /proc/stat's first line without idle and iowait. */
export function machineTicks(stat = readFileSync('/proc/stat', 'utf8')): { busy: number } {
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { busy: user + nice + system + irq + softirq + steal };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** e.g. "tier at 80/s: quota 97%, throttled 64%; machine 1.41 of 2 cores". */
export function describeLimit(limit: PointLimitRecord | null | undefined): string {
  if (limit === undefined) return 'not read';
  if (limit === null) return 'nothing missed';
  const throttled = limit.throttled_share === null ? '' : `, throttled ${Math.round(limit.throttled_share * 100)}%`;
  const where = limit.at_rate === null ? '' : ` at ${limit.at_rate}/s`;
  return `${limit.verdict}${where}: quota ${Math.round(limit.tier_quota_use * 100)}%${throttled}; machine ${limit.machine_cores.toFixed(2)} of ${limit.machine_cpus} cores`;
}
