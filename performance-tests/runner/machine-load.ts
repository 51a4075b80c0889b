/**
 * How busy the machine was around a run: the load averages, and which processes used the CPU
 * over one second (from /proc, so Linux only; elsewhere the list is empty). On a shared 2-core
 * machine this is what says whether a run's figures can be compared with another's.
 */
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MachineLoad } from '../report/result.schema';
import { sleep } from './processes';

/** Processes below this share of one core over the sample are left out. */
const BUSY_PERCENT = 10;

export async function readMachineLoad(sampleMs = 1_000): Promise<MachineLoad> {
  const before = cpuTicksByProcess();
  const startedAt = performance.now();
  await sleep(sampleMs);
  const after = cpuTicksByProcess();
  const seconds = (performance.now() - startedAt) / 1000;
  const busy = [...after.entries()]
    .map(([pid, ticks]) => ({ pid, cpuPercent: cpuPercent(ticks - (before.get(pid) ?? ticks), seconds) }))
    .filter((entry) => entry.cpuPercent >= BUSY_PERCENT)
    .sort((a, b) => b.cpuPercent - a.cpuPercent)
    .slice(0, 8)
    .map((entry) => ({ ...entry, command: commandOf(entry.pid) }));
  return { loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100), busy };
}

/** Linux's USER_HZ: clock ticks per second in /proc/<pid>/stat. */
export const TICKS_PER_SECOND = 100;

function cpuPercent(ticks: number, seconds: number): number {
  return Math.round((ticks / TICKS_PER_SECOND / seconds) * 100);
}

/** pid → user + system ticks so far. */
function cpuTicksByProcess(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const name of safeReaddir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const used = cpuTicksOf(Number(name));
    if (used !== undefined) ticks.set(Number(name), used);
  }
  return ticks;
}

/** One process's user + system ticks so far (TICKS_PER_SECOND a second); undefined when it is gone. */
export function cpuTicksOf(pid: number): number | undefined {
  const stat = safeRead(`/proc/${pid}/stat`);
  // Fields after the command (which may hold spaces), which ends with the last ')'.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields && fields.length > 13 ? Number(fields[11]) + Number(fields[12]) : undefined;
}

/** The program and its first two arguments that are not options, by their base names: no paths, no settings. */
function commandOf(pid: number): string {
  const [program, ...args] = (safeRead(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean);
  if (program === undefined) return `pid ${pid}`;
  const subjects = args.filter((arg) => !arg.startsWith('-') && !arg.includes('=')).slice(0, 2);
  return [program, ...subjects].map((word) => path.basename(word)).join(' ');
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
