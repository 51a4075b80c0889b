/** A scaling series and summary shaped like a local run's (figures made up for the tests). */
import type { ScalingSeries, ScalingSummary } from '../../scaling/scaling-summary.schema';

export function scalingSeriesFixture(): ScalingSeries {
  return {
    tier: 'order-worker',
    mode: 'drain',
    dataset: 'default',
    unit: 'orders/s',
    measure: 'a queued burst placed by N workers, first to last order placed',
    cores_per_replica: 0.15,
    points: [
      { n: 1, runs: [300], cpu_ms_per_order: { 'order-worker': 0.5, mysql: 0.8 }, detail: '5000 placed in 16.7 s' },
      { n: 2, runs: [500, 520, 540], cpu_ms_per_order: { 'order-worker': 0.55, mysql: 0.8 }, detail: 'b' },
      { n: 3, runs: [690], cpu_ms_per_order: null, detail: 'c' },
      { n: 6, runs: [900], cpu_ms_per_order: { 'order-worker': 0.7 }, detail: 'd' },
    ],
  };
}

export function scalingSummaryFixture(): ScalingSummary {
  return {
    kind: 'scaling',
    run: '2026-11-30T16-00-00-scaling',
    target: 'local',
    command: 'npm run perf -- scaling',
    started_at: '2026-11-30T16:00:00.000Z',
    finished_at: '2026-11-30T16:25:00.000Z',
    duration_s: 1500,
    machine: {
      cpus: 2,
      cpu_model: 'test CPU',
      node: 'v20.0.0',
      k6: 'k6 v1.0.0',
      before: { load_average: [0.5, 0.4, 0.3], busy: [] },
      after: null,
    },
    isolation: { mechanism: 'cgroup-v1', cores_per_replica: null, period_us: 10_000, others: 'not limited' },
    settings: {},
    series: [
      scalingSeriesFixture(),
      {
        ...scalingSeriesFixture(),
        tier: 'order-service',
        mode: 'sync',
        dataset: 'hot',
        points: [1, 2, 3].map((n) => ({ n, runs: [40], cpu_ms_per_order: null, detail: 'flat' })),
      },
    ],
    notes: ['a note'],
  };
}
