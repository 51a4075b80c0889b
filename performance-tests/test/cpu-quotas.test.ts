/**
 * CPU quotas: the files a cgroup controller is given, and, where this machine lets root write the
 * real cgroup v1 controller, a busy process really held to its share.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpuTicksOf, TICKS_PER_SECOND } from '../runner/machine-load';
import { detectQuotaMechanism, openCpuQuotas, processTree } from '../scaling/cpu-quotas';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function spawnChild(script: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** A cgroup v1 `cpu` hierarchy made of plain files, as the kernel lays it out. */
function fakeCgroupV1(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cgroup-'));
  mkdirSync(path.join(root, 'cpu'));
  writeFileSync(path.join(root, 'cpu', 'cpu.cfs_quota_us'), '-1\n');
  writeFileSync(path.join(root, 'cpu', 'cgroup.procs'), '');
  return root;
}

describe('CPU quotas', () => {
  it('when a cgroup v1 cpu controller is writable, then it is chosen and a group gets period, quota and the process', () => {
    const root = fakeCgroupV1();
    expect(detectQuotaMechanism(root)).toBe('cgroup-v1');
    const quotas = openCpuQuotas({ cgroupRoot: root, periodUs: 10_000, groupName: 'run' });
    quotas.limit('order-worker-2', process.pid, 0.15);
    const group = path.join(root, 'cpu', 'run', 'order-worker-2');
    expect(readFileSync(path.join(group, 'cpu.cfs_period_us'), 'utf8')).toBe('10000');
    expect(readFileSync(path.join(group, 'cpu.cfs_quota_us'), 'utf8')).toBe('1500');
    expect(readFileSync(path.join(group, 'cgroup.procs'), 'utf8')).toBe(String(process.pid));
  });

  it('when a quota would be below the kernel minimum of 1 ms, then 1 ms is written', () => {
    const root = fakeCgroupV1();
    const quotas = openCpuQuotas({ cgroupRoot: root, periodUs: 5_000, groupName: 'run' });
    quotas.limit('tiny', process.pid, 0.05);
    expect(readFileSync(path.join(root, 'cpu', 'run', 'tiny', 'cpu.cfs_quota_us'), 'utf8')).toBe('1000');
  });

  it('when a process has started children, then the tree holds them too', async () => {
    const parent = spawnChild(
      "require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' }); setTimeout(() => {}, 20000)",
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const tree = processTree(parent.pid!);
    expect(tree[0]).toBe(parent.pid);
    expect(tree.length).toBeGreaterThanOrEqual(2);
    for (const pid of tree.slice(1)) process.kill(pid, 'SIGKILL');
  });

  const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
  (hasTaskset ? it : it.skip)('when taskset pins a process, then release gives it back the CPUs it had', () => {
    const sleeper = spawnChild('setTimeout(() => {}, 20000)');
    const cpusOf = () => spawnSync('taskset', ['-c', '-p', String(sleeper.pid)], { encoding: 'utf8' }).stdout.trim();
    const before = cpusOf();
    const quotas = openCpuQuotas({ mechanism: 'taskset' });
    quotas.limit('pinned', sleeper.pid!, 0.2);
    expect(cpusOf()).toMatch(/: 0$/);
    quotas.release();
    expect(cpusOf()).toBe(before);
  });

  const realV1 = detectQuotaMechanism() === 'cgroup-v1';
  (realV1 ? it : it.skip)(
    'when a busy process is limited to 0.2 core by the real controller, then it is throttled to at most its share, and freed once released',
    async () => {
      const busy = spawnChild('for (;;) {}');
      const quotas = openCpuQuotas({ periodUs: 10_000, groupName: `ecom-perf-test-${process.pid}` });
      quotas.limit('busy', busy.pid!, 0.2);
      const before = cpuTicksOf(busy.pid!) ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const cores = ((cpuTicksOf(busy.pid!) ?? 0) - before) / TICKS_PER_SECOND / 1.5;
      const stat = readFileSync(`/sys/fs/cgroup/cpu/ecom-perf-test-${process.pid}/busy/cpu.stat`, 'utf8');
      quotas.release();
      // A loop that wants a whole core gets at most its quota (plus one tick of /proc's resolution).
      expect(cores).toBeLessThanOrEqual(0.2 + 0.02);
      expect(Number(/nr_throttled (\d+)/.exec(stat)?.[1])).toBeGreaterThan(0);
      expect(readFileSync(`/proc/${busy.pid}/cgroup`, 'utf8')).toMatch(/^\d+:cpu:\/$/m);
    },
    10_000,
  );
});
