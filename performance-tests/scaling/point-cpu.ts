/**
 * CPU per order of each kind of process at one point of a scaling experiment: user + system time
 * from /proc, summed over a kind's replicas, between the point's start and end, divided by the
 * orders the point completed. MariaDB and Kafka (by their scripts' pid files) are kinds too.
 *
 * A process at rest is not free (a Node service here keeps Kafka's timers and polls its outbox
 * once a second: about 40 ms of CPU a second, the worker about 60), and at a few orders a second that would swamp
 * the figure. So the meter first reads each kind at rest for `idleMs`, and reports the CPU per
 * order above that rate, beside the rate itself.
 */
import { processCpuMs, systemPids } from '../orders/process-cpu';
import type { LocalSystem } from '../runner/local-system';
import { sleep } from '../runner/processes';

export interface CpuReading {
  /** CPU ms per order of each kind above its rate at rest (rounded to 0.01 ms; never below 0). */
  readonly perOrder: Record<string, number>;
  /** CPU ms per second of each kind at rest, before the point's load. */
  readonly idlePerSecond: Record<string, number>;
}

export interface CpuMeter {
  read(orders: number): CpuReading;
  /** Counts from now on (the rates at rest are kept): what came before was not the point's work. */
  rebase(): void;
}

type Tracked = readonly (readonly [kind: string, pid: number])[];

export async function startCpuMeter(
  system: LocalSystem,
  processes: readonly { kind: string; pid: number }[],
  idleMs = 2_000,
): Promise<CpuMeter> {
  const infrastructure = Object.entries(systemPids(system)).filter(([name]) => name === 'mysql' || name === 'kafka');
  const tracked: Tracked = [...processes.map(({ kind, pid }) => [kind, pid] as const), ...infrastructure];
  const atRest = readByKind(tracked);
  await sleep(idleMs);
  const idlePerSecond = perUnit(difference(readByKind(tracked), atRest), idleMs / 1000, 0);
  let start = readByKind(tracked);
  let startedAt = Date.now();
  return {
    rebase: () => {
      start = readByKind(tracked);
      startedAt = Date.now();
    },
    read: (orders) => {
      const seconds = (Date.now() - startedAt) / 1000;
      const used = difference(readByKind(tracked), start);
      const above = Object.fromEntries(
        Object.entries(used).map(([kind, ms]) => [kind, Math.max(0, ms - (idlePerSecond[kind] ?? 0) * seconds)]),
      );
      return { perOrder: orders > 0 ? perUnit(above, orders, 2) : {}, idlePerSecond };
    },
  };
}

function readByKind(tracked: Tracked): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const [kind, pid] of tracked) byKind[kind] = (byKind[kind] ?? 0) + (processCpuMs({ [kind]: pid })[kind] ?? 0);
  return byKind;
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([kind, ms]) => [kind, ms - (before[kind] ?? 0)]));
}

/** Each value ÷ `units`, rounded to `decimals` places. */
function perUnit(values: Record<string, number>, units: number, decimals: number): Record<string, number> {
  const scale = 10 ** decimals;
  return Object.fromEntries(
    Object.entries(values).map(([kind, value]) => [kind, Math.round((value / units) * scale) / scale]),
  );
}
