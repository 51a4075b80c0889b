import { capacitySummarySchema } from '../report/capacity-summary.schema';
import { summarizeCapacityRun } from '../report/capacity-summary';
import { makeCapacityResult } from './support/capacity-fixture';

describe('the summary of a capacity run', () => {
  test('when a capacity result is summarised, then the goals keep their figure, inputs and verdict in words', () => {
    const summary = summarizeCapacityRun(makeCapacityResult(), '2026-11-30T12-00-00-capacity');

    expect(summary).toMatchObject({
      kind: 'capacity',
      run: '2026-11-30T12-00-00-capacity',
      command: 'CAPACITY_PROBE_SECONDS=10 npm run perf -- capacity',
      duration_s: 1263,
      machine: {
        cpus: 2,
        before: { load_average: [0.42, 0.5, 0.61], busy: [] },
        after: { load_average: [3.1, 2.8, 1.9], busy: [{ command: 'mariadbd', cpu_percent: 12 }] },
      },
    });
    expect(summary.goals.map((goal) => goal.verdict)).toEqual([
      'missed',
      'missed',
      'met',
      'missed',
      'met',
      'missed',
      'missed',
    ]);
    expect(summary.goals[4]).toMatchObject({
      goal: '≥ 3×',
      value: 3.191,
      inputs: [
        { name: 'sustained async', value: 300, unit: 'orders/s' },
        { name: 'sync capacity', value: 94, unit: 'orders/s' },
      ],
    });
    expect(summary.sync_burst?.rounds[1]).toEqual({
      sent: 75,
      created_within: 70,
      statuses: { '201': 72, '503': 3 },
      p50_ms: 310.5,
      p99_ms: 1180,
      max_ms: 1204.2,
      send_spread_ms: 4.2,
    });
  });

  test('when a capacity result is summarised, then goals not stated as figures are left out and the file stays small', () => {
    const result = makeCapacityResult();
    const withOldGoal = { ...result, goals: [...result.goals, { name: 'old', target: '-', measured: '-', met: true }] };

    const summary = summarizeCapacityRun(withOldGoal, 'run');

    expect(summary.goals).toHaveLength(7);
    expect(JSON.stringify(summary, null, 2).length).toBeLessThan(10_000);
  });

  test('when a summary has wrong fields, then the schema names each of them', () => {
    const summary = summarizeCapacityRun(makeCapacityResult(), 'run');
    const broken = { ...summary, kind: 'compare', goals: [{ ...summary.goals[0], verdict: 'maybe' }] };

    const parsed = capacitySummarySchema.safeParse(broken);

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['kind', 'goals.0.verdict']);
  });
});
