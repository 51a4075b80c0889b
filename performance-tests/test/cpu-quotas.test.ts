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

  it("when two limited groups have run, then throttling adds up their cpu.stat's periods and throttled periods", () => {
    const root = fakeCgroupV1();
    const quotas = openCpuQuotas({ cgroupRoot: root, periodUs: 10_000, groupName: 'run' });
    quotas.limit('a', process.pid, 0.15);
    quotas.limit('b', process.pid, 0.15);
    const stat = (periods: number, throttled: number) =>
      `nr_periods ${periods}\nnr_throttled ${throttled}\nthrottled_time ${throttled * 1_000_000}\n`;
    writeFileSync(path.join(root, 'cpu', 'run', 'a', 'cpu.stat'), stat(300, 120));
    writeFileSync(path.join(root, 'cpu', 'run', 'b', 'cpu.stat'), stat(200, 30));
    expect(quotas.throttling()).toEqual({ periods: 500, throttled: 150 });
    expect(openCpuQuotas({ mechanism: 'none' }).throttling()).toBeNull();
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
      const throttling = quotas.throttling();
      quotas.release();
      // A loop that wants a whole core gets at most its quota (plus one tick of /proc's resolution).
      expect(cores).toBeLessThanOrEqual(0.2 + 0.02);
      // It ran in about 150 periods of 10 ms, and used up its quota in most (a busy machine can cost it some).
      expect(throttling?.periods).toBeGreaterThan(50);
      expect(throttling!.throttled / throttling!.periods).toBeGreaterThan(0.5);
      expect(readFileSync(`/proc/${busy.pid}/cgroup`, 'utf8')).toMatch(/^\d+:cpu:\/$/m);
    },
    10_000,
  );
});
