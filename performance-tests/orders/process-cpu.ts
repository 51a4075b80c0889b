/**
 * CPU time of the system's processes: the four services (by the pids the launcher tracks) and
 * MariaDB and Kafka (by the pid files their scripts write).
 */
import { existsSync, readFileSync } from 'node:fs';
import { runDirectory } from '@ecom/system-launcher';
import type { LocalSystem } from '../runner/local-system';
import { TICKS_PER_SECOND, cpuTicksOf } from '../runner/machine-load';

export type PidMap = Record<string, number>;

export function systemPids(system: Pick<LocalSystem, 'services'>): PidMap {
  const pids: PidMap = Object.fromEntries(system.services.map((service) => [service.name, service.process.pid]));
  for (const name of ['mysql', 'kafka']) {
    const file = `${runDirectory()}/${name}.pid`;
    if (existsSync(file)) pids[name] = Number(readFileSync(file, 'utf8').trim());
  }
  return pids;
}

/** User + system CPU of each process so far, in ms (0 for one that is gone). */
export function processCpuMs(pids: PidMap): Record<string, number> {
  return Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, ((cpuTicksOf(pid) ?? 0) * 1000) / TICKS_PER_SECOND]),
  );
}
