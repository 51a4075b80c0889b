/**
 * A fixed CPU share per process, so that N replicas of a tier get N shares on a machine where every
 * process competes for the same two cores. Through the kernel's own CPU controller, in order of
 * preference:
 *   cgroup v2  `<group>/cpu.max` = "<quota> <period>"   (needs the cpu controller in the root's subtree_control)
 *   cgroup v1  `cpu/<group>/cpu.cfs_quota_us` and `cpu.cfs_period_us`  (this machine)
 *   taskset    each replica pinned to one CPU, round robin: a share of a whole core, and no more
 *              replicas than cores get a core of their own (say so next to any figure)
 * Root can write the cgroup files; without them (or without root) the mechanism is `none`.
 * Hand-written because no maintained Node library manages cgroup v1 and v2 quotas; it is a few writes.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

export type QuotaMechanism = 'cgroup-v2' | 'cgroup-v1' | 'taskset' | 'none';

export interface CpuQuotas {
  readonly mechanism: QuotaMechanism;
  /** The CFS period, when a cgroup controller is used. */
  readonly periodUs: number | null;
  /** Limits `pid` and every process under it to `cores` (e.g. 0.15) in a group named `label`. */
  limit(label: string, pid: number, cores: number): void;
  /** Moves every limited process back and removes the groups. */
  release(): void;
  /**
   * The CFS periods the limited groups have run in so far, and in how many of them a group used up
   * its quota and waited: summed over the groups (null without a cgroup controller). The kernel's
   * own account of whether the quota was what held a process back.
   */
  throttling(): Throttling | null;
}

export interface Throttling {
  readonly periods: number;
  readonly throttled: number;
}

export interface CpuQuotaOptions {
  /** Where cgroup file systems are mounted (tests pass a directory of their own). */
  readonly cgroupRoot?: string;
  readonly periodUs?: number;
  /** A name of its own under the root, so concurrent runs do not share groups. */
  readonly groupName?: string;
  readonly mechanism?: QuotaMechanism;
}

/** The best mechanism this machine offers. */
export function detectQuotaMechanism(cgroupRoot = '/sys/fs/cgroup'): QuotaMechanism {
  if (isWritable(path.join(cgroupRoot, 'cgroup.subtree_control')) && hasCpuControllerV2(cgroupRoot)) return 'cgroup-v2';
  if (isWritable(path.join(cgroupRoot, 'cpu', 'cpu.cfs_quota_us'))) return 'cgroup-v1';
  return spawnSync('taskset', ['--version']).status === 0 ? 'taskset' : 'none';
}

export function openCpuQuotas(options: CpuQuotaOptions = {}): CpuQuotas {
  const cgroupRoot = options.cgroupRoot ?? '/sys/fs/cgroup';
  const mechanism = options.mechanism ?? detectQuotaMechanism(cgroupRoot);
  const periodUs = options.periodUs ?? 10_000;
  const groupName = options.groupName ?? `ecom-perf-${process.pid}`;
  if (mechanism === 'cgroup-v1' || mechanism === 'cgroup-v2') {
    const base = mechanism === 'cgroup-v1' ? path.join(cgroupRoot, 'cpu') : cgroupRoot;
    const parent = path.join(base, groupName);
    if (mechanism === 'cgroup-v2') enableCpuControllerV2(base, parent);
    return cgroupQuotas(mechanism, base, parent, periodUs);
  }
  if (mechanism === 'taskset') return tasksetQuotas();
  return { mechanism, periodUs: null, limit: () => {}, release: () => {}, throttling: () => null };
}

function cgroupQuotas(mechanism: 'cgroup-v1' | 'cgroup-v2', base: string, parent: string, periodUs: number): CpuQuotas {
  const groups = new Set<string>();
  // The groups would outlive a run that ends on Ctrl-C (the writes are synchronous; twice is harmless).
  const releaseOnExit = () => release();
  process.once('exit', releaseOnExit);
  const release = () => {
    for (const group of groups) {
      for (const pid of readPids(path.join(group, 'cgroup.procs'))) moveQuietly(base, pid);
      removeQuietly(group);
    }
    groups.clear();
    removeQuietly(parent);
  };
  return {
    mechanism,
    periodUs,
    limit: (label, pid, cores) => {
      const group = path.join(parent, label);
      mkdirSync(group, { recursive: true });
      const quotaUs = Math.max(1_000, Math.round(cores * periodUs));
      if (mechanism === 'cgroup-v1') {
        writeFileSync(path.join(group, 'cpu.cfs_period_us'), String(periodUs));
        writeFileSync(path.join(group, 'cpu.cfs_quota_us'), String(quotaUs));
      } else {
        writeFileSync(path.join(group, 'cpu.max'), `${quotaUs} ${periodUs}`);
      }
      groups.add(group);
      for (const member of processTree(pid)) writeFileSync(path.join(group, 'cgroup.procs'), String(member));
    },
    release,
    throttling: () => sumThrottling([...groups].map((group) => path.join(group, 'cpu.stat'))),
  };
}

/** `nr_periods` and `nr_throttled` of each group's cpu.stat (the same keys in v1 and v2), added up. */
function sumThrottling(statFiles: readonly string[]): Throttling {
  let periods = 0;
  let throttled = 0;
  for (const file of statFiles) {
    const stat = existsSync(file) ? readFileSync(file, 'utf8') : '';
    periods += Number(/^nr_periods (\d+)$/m.exec(stat)?.[1] ?? 0);
    throttled += Number(/^nr_throttled (\d+)$/m.exec(stat)?.[1] ?? 0);
  }
  return { periods, throttled };
}

function tasksetQuotas(): CpuQuotas {
  let next = 0;
  /** Each pinned process's CPU list before it was pinned, to give back on release. */
  const pinned = new Map<number, string>();
  return {
    mechanism: 'taskset',
    periodUs: null,
    limit: (_label, pid) => {
      const cpu = String(next++ % availableParallelism());
      for (const member of processTree(pid)) {
        const before = /: (\S+)\s*$/.exec(
          spawnSync('taskset', ['-c', '-p', String(member)], { encoding: 'utf8' }).stdout,
        );
        if (before?.[1] && !pinned.has(member)) pinned.set(member, before[1]);
        spawnSync('taskset', ['-a', '-p', '-c', cpu, String(member)]);
      }
    },
    release: () => {
      for (const [pid, cpus] of pinned) spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)]);
      pinned.clear();
    },
    throttling: () => null,
  };
}

/** `pid` and its descendants (a wrapper's child must be limited too). */
export function processTree(pid: number, procRoot = '/proc'): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync(procRoot).filter((name) => /^\d+$/.test(name))) {
    const parent = parentOf(path.join(procRoot, entry, 'stat'));
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const visit = (current: number) => {
    tree.push(current);
    for (const child of children.get(current) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}

function parentOf(statFile: string): number | undefined {
  try {
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(statFile, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // the process ended while we looked
  }
}

/** In v2 a group has `cpu.max` only when its parent hands the cpu controller down to it. */
function enableCpuControllerV2(root: string, parent: string): void {
  writeFileSync(path.join(root, 'cgroup.subtree_control'), '+cpu');
  mkdirSync(parent, { recursive: true });
  writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+cpu');
}

function hasCpuControllerV2(root: string): boolean {
  const controllers = path.join(root, 'cgroup.controllers');
  return existsSync(controllers) && readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu');
}

function isWritable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function readPids(file: string): number[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

function moveQuietly(base: string, pid: number): void {
  try {
    writeFileSync(path.join(base, 'cgroup.procs'), String(pid));
  } catch {
    // gone already
  }
}

function removeQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // still has members or was never made
  }
}
