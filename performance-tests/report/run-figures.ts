/**
 * Every figure of a summary as (group, figure, value) rows, so two runs of one kind can be set
 * side by side whatever their kind: a load run's per step, a capacity run's per mode, baseline and
 * goal, a gateway run's per variant, an outbox burst's, a scaling experiment's per series and point.
 */
import { median } from '../scaling/scaling-curve';
import type { OutboxSummary } from '../outbox/outbox-summary.schema';
import type { ScalingSummary } from '../scaling/scaling-summary.schema';
import type { CapacitySummary } from './capacity-summary.schema';
import type { LoadStepSummary, LoadSummary } from './load-summary.schema';
import type { KindedSummary } from './summary-kinds';
import type { TolerantGatewaySummary } from './tolerant-gateway-summary';

export interface RunFigure {
  /** A mode, step, variant or series: what the figure belongs to. */
  readonly group: string;
  readonly figure: string;
  /** null: not measured in this run. */
  readonly value: number | null;
}

export function figuresOf(read: KindedSummary): RunFigure[] {
  switch (read.kind) {
    case 'load':
      return loadFigures(read.summary);
    case 'capacity':
      return capacityFigures(read.summary);
    case 'gateway':
      return gatewayFigures(read.summary);
    case 'outbox':
      return outboxFigures(read.summary);
    case 'scaling':
      return scalingFigures(read.summary);
  }
}

const STEP_FIGURES: readonly (readonly [string, (step: LoadStepSummary) => number | null])[] = [
  ['achieved /s', (step) => step.achieved_rps],
  ['requests', (step) => step.requests],
  ['p50 ms', (step) => step.p50_ms],
  ['p95 ms', (step) => step.p95_ms],
  ['p99 ms', (step) => step.p99_ms],
  ['max ms', (step) => step.max_ms],
  ['errors %', (step) => percent(step.error_share)],
  ['503 %', (step) => percent(step.share_503)],
  ['409 %', (step) => percent(step.share_409)],
  ['dropped', (step) => step.dropped],
  ['e2e p50 ms', (step) => step.e2e?.p50_ms ?? null],
  ['e2e p99 ms', (step) => step.e2e?.p99_ms ?? null],
  ['drain s', (step) => step.drain_s],
  ['poll share %', (step) => percent(step.poll_share)],
];

function loadFigures(summary: LoadSummary): RunFigure[] {
  return summary.steps.flatMap((step) =>
    STEP_FIGURES.map(([figure, valueOf]) => ({ group: step.label, figure, value: valueOf(step) })),
  );
}

function capacityFigures(summary: CapacitySummary): RunFigure[] {
  const rounds = summary.sync_burst?.rounds ?? [];
  const sent = rounds.reduce((sum, round) => sum + round.sent, 0);
  const created = rounds.reduce((sum, round) => sum + round.created_within, 0);
  return [
    ...summary.capacity.map(({ mode, max_rps }) => ({ group: mode, figure: 'capacity /s', value: max_rps })),
    ...summary.baselines.map(({ name, unit, value }) => ({ group: 'baseline', figure: `${name} (${unit})`, value })),
    ...summary.goals.map((goal) => ({ group: 'goal', figure: `${goal.figure} (${goal.unit})`, value: goal.value })),
    ...(rounds.length > 0
      ? [
          {
            group: 'sync burst',
            figure: `201 within ${summary.sync_burst!.within_ms} ms %`,
            value: percent(created / sent),
          },
        ]
      : []),
  ];
}

function gatewayFigures(summary: TolerantGatewaySummary): RunFigure[] {
  const own = summary.gateway_own_cpu_us_above_library;
  return [
    ...(summary.variants ?? []).flatMap((variant) =>
      Object.entries(variant).flatMap(([field, value]) =>
        field === 'name' || (typeof value !== 'number' && value !== null)
          ? []
          : [{ group: String(variant['name'] ?? '?'), figure: field, value: value as number | null }],
      ),
    ),
    ...(own === undefined ? [] : [{ group: 'gateway', figure: 'own CPU µs above the library', value: own }]),
  ];
}

function outboxFigures(summary: OutboxSummary): RunFigure[] {
  const group = `${summary.settings.burst} updates at ${summary.settings.concurrency}`;
  return [
    { group, figure: 'updates/s', value: summary.updates_per_s },
    { group, figure: 'failed requests', value: summary.failed_requests },
    { group, figure: 'all committed s', value: summary.all_committed_s },
    { group, figure: 'all published s', value: summary.all_published_s },
    { group, figure: 'drained after last commit ms', value: summary.drain_after_last_commit_ms },
    ...(['p50', 'p95', 'p99', 'max'] as const).map((p) => ({ group, figure: `lag ${p} ms`, value: summary.lag_ms[p] })),
  ];
}

function scalingFigures(summary: ScalingSummary): RunFigure[] {
  return summary.series.flatMap((series) =>
    series.points.map((point) => ({
      group: `${series.tier} ${series.mode} (${series.dataset})`,
      figure: `${point.n} replicas, median ${series.unit}`,
      value: median(point.runs),
    })),
  );
}

function percent(share: number | null): number | null {
  return share === null ? null : Math.round(share * 100_000) / 1000;
}
