/** The summary.json of a local scaling run, from its result.json's run facts and the scenario's series. */
import type { RunResult } from '../report/result.schema';
import { summarizeLoad } from '../report/summary-machine';
import type { ScalingOutcome } from './scaling.scenario';
import { scalingSummarySchema, type ScalingSummary } from './scaling-summary.schema';

export function summarizeScalingRun(result: RunResult, scaling: ScalingOutcome, run: string): ScalingSummary {
  const { machine } = result;
  return scalingSummarySchema.parse({
    kind: 'scaling',
    run,
    target: 'local',
    command: result.command ?? 'npm run perf -- scaling',
    started_at: result.startedAt,
    finished_at: result.finishedAt,
    duration_s: Math.round((Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000),
    machine: {
      cpus: machine.cpus,
      cpu_model: machine.cpuModel,
      node: machine.node,
      k6: machine.k6,
      before: summarizeLoad(machine.loadBefore),
      after: summarizeLoad(machine.loadAfter),
    },
    isolation: {
      mechanism: scaling.mechanism,
      cores_per_replica: null,
      period_us: scaling.periodUs,
      others: 'the other tiers, MariaDB, Kafka and k6 without a quota, on the same cores',
    },
    settings: result.settings,
    series: scaling.series,
    notes: result.notes,
  });
}
