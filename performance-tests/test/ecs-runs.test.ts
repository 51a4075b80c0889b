/**
 * scaling/ecs-runs.ts against recorded k6 summaries (aws/test/fixtures/ecs-runs/, in the shape
 * k6/lib/summary.js writes): an ECS experiment's point folders become a valid scaling summary whose
 * X(N) per repeat is the highest step that held, and a step over the SLO on errors, dropped
 * iterations or end-to-end latency does not hold.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assembleEcsExperiment, heldEcsSlo, type EcsK6Step } from '../scaling/ecs-runs';
import { scalingSummarySchema } from '../scaling/scaling-summary.schema';

const FIXTURES = path.join(__dirname, '../../aws/test/fixtures/ecs-runs');
const fixtureSteps = (name: string): EcsK6Step[] =>
  (JSON.parse(readFileSync(path.join(FIXTURES, name, 'k6-steps.json'), 'utf8')) as { steps: EcsK6Step[] }).steps;

const EXPERIMENT = {
  experiment: 'scaling-product-service-20261130150000',
  command: 'npm run aws -- loadtest --tier product-service --instances 1,2',
  region: 'eu-west-1',
  started_at: '2026-11-30T15:00:00.000Z',
  others: 2,
  order_requests_partitions: 6,
  service_task: { cpu_units: 512, memory_mib: 1024 },
  load_generator: { cpu_units: 2048, memory_mib: 4096, k6_image: 'grafana/k6:1.8.1' },
  dataset: 'default',
  single_capacity: { sync: { rps: 200, source: 'probe' } },
};

interface PointSpec {
  readonly folder: string;
  readonly fixture?: string;
  readonly mode: string;
  readonly n: number;
  readonly repeat: number;
  readonly probe?: boolean;
  readonly exitCode?: number;
}

describe('assembleEcsExperiment', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecs-runs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeExperiment = (tier: string, points: readonly PointSpec[]) => {
    writeFileSync(path.join(dir, 'experiment.json'), JSON.stringify({ ...EXPERIMENT, tier }));
    for (const point of points) {
      const folder = path.join(dir, point.folder);
      mkdirSync(folder);
      const rates = point.fixture ? fixtureSteps(point.fixture).map((step) => step.offeredRps) : [25];
      const record = { tier, mode: point.mode, n: point.n, repeat: point.repeat, probe: point.probe ?? false, rates };
      const times = {
        started_at: '2026-11-30T15:10:00.000Z',
        finished_at: `2026-11-30T15:${10 + point.n * 5}:00.000Z`,
      };
      const run = { k6_exit_code: point.exitCode ?? 0, run_id: `x-${point.folder}`, ...times };
      writeFileSync(path.join(folder, 'point.json'), JSON.stringify({ ...record, ...run }));
      if (point.fixture)
        copyFileSync(path.join(FIXTURES, point.fixture, 'k6-steps.json'), path.join(folder, 'k6-steps.json'));
    }
  };

  const productPoints: PointSpec[] = [
    {
      folder: 'product-service-sync-1x-probe',
      fixture: 'product-sync-probe',
      mode: 'sync',
      n: 1,
      repeat: 0,
      probe: true,
    },
    { folder: 'product-service-sync-1x-r1', fixture: 'product-sync-1x-r1', mode: 'sync', n: 1, repeat: 1 },
    { folder: 'product-service-sync-1x-r2', fixture: 'product-sync-1x-r2', mode: 'sync', n: 1, repeat: 2 },
    { folder: 'product-service-sync-2x-r1', fixture: 'product-sync-2x-r1', mode: 'sync', n: 2, repeat: 1 },
    { folder: 'product-service-sync-2x-r2', fixture: 'product-sync-2x-r2', mode: 'sync', n: 2, repeat: 2 },
  ];

  it('when recorded product-service points are assembled, then the summary is valid and X(N) is the highest held step of each repeat', () => {
    writeExperiment('product-service', productPoints);

    const summary = assembleEcsExperiment(dir);

    expect(scalingSummarySchema.parse(summary)).toEqual(summary);
    expect(summary).toEqual(
      expect.objectContaining({
        kind: 'scaling',
        target: 'ecs',
        run: EXPERIMENT.experiment,
        command: EXPERIMENT.command,
      }),
    );
    expect(summary.isolation).toEqual(expect.objectContaining({ mechanism: 'ecs-task', cores_per_replica: 0.5 }));
    expect(summary.finished_at).toBe('2026-11-30T15:20:00.000Z');
    expect(summary.duration_s).toBe(20 * 60);
    expect(summary.series).toHaveLength(1);
    const [series] = summary.series;
    expect(series).toEqual(expect.objectContaining({ tier: 'product-service', mode: 'sync', unit: 'orders/s' }));
    expect(series!.points.map(({ n, runs }) => [n, runs])).toEqual([
      [1, [220, 200]],
      [2, [400, 360]],
    ]);
    expect(summary.notes).toContain('X(1) the ladders were built on: sync 200/s (probe).');
  });

  it('when a step is over the SLO on errors or dropped iterations, then it does not hold even with p99 in time', () => {
    writeExperiment('product-service', productPoints);
    const [series] = assembleEcsExperiment(dir).series;

    const details = series!.points.map((point) => point.detail);
    expect(details[0]).toBe(
      'r1: 220/s held (p99 97.6 ms), missed at 250/s (p99 212.4 ms); ' +
        'r2: 200/s held (p99 88.1 ms), missed at 220/s (errors 0.41%)',
    );
    expect(details[1]).toMatch(/^r1: 400\/s held \(p99 91\.8 ms\), missed at 440\/s \(264 dropped\); r2: 360\/s held/);
    const [erroring] = fixtureSteps('product-sync-1x-r2').filter((step) => step.offeredRps === 220);
    expect(erroring!.latencyMs!.p99).toBeLessThanOrEqual(100);
    expect(heldEcsSlo(erroring!, 'sync')).toBe(false);
    expect(heldEcsSlo({ ...erroring!, errorRate: 0.001 }, 'sync')).toBe(false);
    expect(heldEcsSlo({ ...erroring!, errorRate: 0.0009 }, 'sync')).toBe(true);
  });

  it('when the worker is scaled, then its sustained rate needs every followed order placed within 1 s, and is stored as its drain series', () => {
    writeExperiment('order-worker', [
      { folder: 'order-worker-sustained-1x-r1', fixture: 'worker-sustained-1x-r1', mode: 'sustained', n: 1, repeat: 1 },
      { folder: 'order-worker-sustained-2x-r1', fixture: 'worker-sustained-2x-r1', mode: 'sustained', n: 2, repeat: 1 },
    ]);

    const summary = assembleEcsExperiment(dir);

    const [series] = summary.series;
    expect(series).toEqual(expect.objectContaining({ tier: 'order-worker', mode: 'sustained' }));
    expect(series!.measure).toMatch(/^sustained rate, not a backlog drain/);
    expect(series!.points.map(({ n, runs }) => [n, runs])).toEqual([
      [1, [160]],
      [2, [320]],
    ]);
    expect(series!.points[0]!.detail).toContain('missed at 176/s (end-to-end p99 2480.7 ms)');
    expect(series!.points[1]!.detail).toContain('missed at 352/s (2 not placed in time)');
  });

  it('when a point has no summary, another a failed k6 and another held its top step, then the notes say so', () => {
    writeExperiment('product-service', [
      {
        folder: 'product-service-sync-1x-r1',
        fixture: 'product-sync-1x-r1',
        mode: 'sync',
        n: 1,
        repeat: 1,
        exitCode: 107,
      },
      { folder: 'product-service-sync-2x-r1', mode: 'sync', n: 2, repeat: 1, exitCode: 255 },
    ]);
    const lowFolder = path.join(dir, 'product-service-sync-4x-r1');
    mkdirSync(lowFolder);
    const held = fixtureSteps('product-sync-1x-r1').slice(0, 4);
    writeFileSync(path.join(lowFolder, 'k6-steps.json'), JSON.stringify({ setup: {}, steps: held }));
    const point = { tier: 'product-service', mode: 'sync', n: 4, repeat: 1, probe: false, rates: [50, 100, 150, 180] };
    const run = { k6_exit_code: 0, run_id: 'x', started_at: EXPERIMENT.started_at, finished_at: EXPERIMENT.started_at };
    writeFileSync(path.join(lowFolder, 'point.json'), JSON.stringify({ ...point, ...run }));

    const summary = assembleEcsExperiment(dir);

    expect(summary.series[0]!.points.map(({ n, runs }) => [n, runs])).toEqual([
      [1, [220]],
      [4, [180]],
    ]);
    expect(summary.notes).toEqual(
      expect.arrayContaining([
        'product-service-sync-1x-r1: k6 exited 107; its summary is used as it is',
        'product-service-sync-2x-r1: no k6-steps.json (k6 exited 255); left out',
        "The ladder's top held in product-service-sync-4x-r1: those X are lower bounds.",
      ]),
    );
  });

  it('when the folder has no experiment.json, then it fails naming the file', () => {
    expect(() => assembleEcsExperiment(dir)).toThrow(/experiment\.json/);
  });
});
