/**
 * The goals of a capacity run (issue 16): seven figures, each from measurements of the same run,
 * against its bound. A figure with a missing input is "not measured" (met: null), never guessed.
 */
import type { BurstRound, Goal, GoalFigure } from '../report/result.schema';
import type { K6Step } from './k6';

/** What the goals are computed from; absent: not measured in this run. */
export interface CapacityFigures {
  /** Highest offered sync rate at p99 ≤ 100 ms, errors < 0.1 %, dropped < 1 % (orders/s). */
  readonly syncCapacity?: number;
  /** Highest offered async rate accepted within the same SLO, the worker paused (orders/s). */
  readonly asyncAcceptance?: number;
  /** Highest offered async rate held with the worker running, end to end included (orders/s). */
  readonly asyncSustained?: number;
  /** The sync order's database work in-process, k6's order mix, 32 loops (orders/s). */
  readonly databaseCeiling?: number;
  /** Autocommitted INSERTs, 32 loops, same MariaDB (commits/s). */
  readonly commitLoop?: number;
  readonly syncBursts?: readonly BurstRound[];
  /** The worker placing a backlog (orders/s). */
  readonly workerDrain?: number;
  /** µs of CPU per request, from perf:gateway. */
  readonly gatewayOwnCpuUs?: number;
  /** async through the gateway and to the order service directly, 32 closed-loop clients each (req/s). */
  readonly asyncGateway32?: number;
  readonly asyncDirect32?: number;
}

type Input = readonly [name: string, value: number | undefined, unit: string];

interface GoalSpec {
  readonly name: string;
  readonly op: '≥' | '≤';
  readonly bound: number;
  readonly unit: '×' | '%' | 'µs';
  readonly inputs: readonly Input[];
  /** The figure from the inputs (all present); a ratio by default; null when there is none (a zero denominator). */
  readonly compute?: (values: readonly number[]) => number | null;
}

export function computeCapacityGoals(f: CapacityFigures): Goal[] {
  const burst = totalBurst(f.syncBursts);
  const specs: GoalSpec[] = [
    ratioGoal('sync capacity (p99 ≤ 100 ms) ÷ database ceiling (same order mix)', 0.6, [
      ['sync capacity', f.syncCapacity, 'orders/s'],
      ['database ceiling', f.databaseCeiling, 'orders/s'],
    ]),
    ratioGoal('database ceiling ÷ plain commit loop on the same MariaDB', 0.3, [
      ['database ceiling', f.databaseCeiling, 'orders/s'],
      ['plain commit loop', f.commitLoop, 'commits/s'],
    ]),
    {
      name: `sync burst: ${burst?.ordersPerBurst ?? 75} concurrent orders with ample stock, share answered 201 within 1 s`,
      op: '≥',
      bound: 95,
      unit: '%',
      inputs: [
        ['answered 201 within 1 s', burst?.createdWithin, 'orders'],
        ['sent', burst?.sent, 'orders'],
      ],
      compute: ([created, sent]) => (sent! > 0 ? (created! / sent!) * 100 : null),
    },
    ratioGoal('worker drain ÷ async acceptance capacity', 0.8, [
      ['worker drain', f.workerDrain, 'orders/s'],
      ['async acceptance capacity', f.asyncAcceptance, 'orders/s'],
    ]),
    ratioGoal(
      'sustained async (acceptance p99 ≤ 100 ms and end-to-end p99 ≤ 1 s, lag back to 0 within 5 s of the step) ÷ sync capacity',
      3,
      [
        ['sustained async', f.asyncSustained, 'orders/s'],
        ['sync capacity', f.syncCapacity, 'orders/s'],
      ],
    ),
    {
      name: "gateway's own CPU per request above bare http-proxy-middleware",
      op: '≤',
      bound: 50,
      unit: 'µs',
      inputs: [['gateway_own_cpu_us_above_library', f.gatewayOwnCpuUs, 'µs']],
      compute: ([us]) => us!,
    },
    ratioGoal('async through the gateway ÷ async direct (32 clients)', 0.65, [
      ['async through the gateway', f.asyncGateway32, 'req/s'],
      ['async direct', f.asyncDirect32, 'req/s'],
    ]),
  ];
  return specs.map(evaluateGoal);
}

function ratioGoal(name: string, bound: number, inputs: readonly Input[]): GoalSpec {
  return { name, op: '≥', bound, unit: '×', inputs };
}

function evaluateGoal(spec: GoalSpec): Goal {
  const values = spec.inputs.map(([, value]) => value);
  const present = values.every((value): value is number => value !== undefined && Number.isFinite(value));
  const compute = spec.compute ?? (([a, b]) => (b! > 0 ? a! / b! : null));
  const computed = present ? compute(values as number[]) : null;
  const value = computed === null ? null : roundFigure(computed, spec.unit);
  const figure: GoalFigure = {
    value,
    unit: spec.unit,
    bound: { op: spec.op, value: spec.bound },
    inputs: spec.inputs.map(([name, input, unit]) => ({ name, value: input ?? null, unit })),
  };
  const met = value === null ? null : spec.op === '≥' ? value >= spec.bound : value <= spec.bound;
  return {
    name: spec.name,
    target: `${spec.op} ${formatFigure(spec.bound, spec.unit)}`,
    measured: describeFigure(figure),
    met,
    figure,
  };
}

/** Ratios to 3 decimals, shares to 0.1 %, microseconds whole: what the verdict is taken on. */
function roundFigure(value: number, unit: GoalSpec['unit']): number {
  const step = unit === '×' ? 1000 : unit === '%' ? 10 : 1;
  return Math.round(value * step) / step;
}

export function formatFigure(value: number, unit: string): string {
  if (unit === '×') return `${value}×`;
  if (unit === '%') return `${value}%`;
  return `${value} ${unit}`;
}

/**
 * e.g. '0.412× (94 orders/s ÷ 228 orders/s)', '96% (216 of 225 orders)', 'not measured (no plain
 * commit loop)', 'not measured (sync capacity was 0 orders/s)'.
 */
export function describeFigure(figure: GoalFigure): string {
  const [a, b] = figure.inputs;
  const missing = figure.inputs.filter((input) => input.value === null).map((input) => input.name);
  if (figure.value === null && missing.length > 0) return `not measured (no ${missing.join(', no ')})`;
  if (figure.value === null) return `not measured (${b?.name} was 0 ${b?.unit})`;
  if (figure.unit === '×' && a && b)
    return `${formatFigure(figure.value, '×')} (${a.value} ${a.unit} ÷ ${b.value} ${b.unit})`;
  if (figure.unit === '%' && a && b) return `${formatFigure(figure.value, '%')} (${a.value} of ${b.value} ${b.unit})`;
  return formatFigure(figure.value, figure.unit);
}

/** Every round of the bursts added up; undefined when there was none. */
export function totalBurst(rounds: readonly BurstRound[] | undefined) {
  if (!rounds || rounds.length === 0) return undefined;
  return {
    ordersPerBurst: rounds[0]!.sent,
    sent: rounds.reduce((sum, round) => sum + round.sent, 0),
    createdWithin: rounds.reduce((sum, round) => sum + round.createdWithin, 0),
  };
}

/** Above capacity, sync should answer 503 with Retry-After, not time out or fail otherwise (a note, not a goal). */
export function describeShedding(overCapacity: readonly K6Step[]): string {
  const total = (key: 'unavailable' | 'noResponse' | 'failed' | 'unavailableWithoutRetryAfter') =>
    overCapacity.reduce((sum, step) => sum + (step.counts[key] ?? 0), 0);
  const rates = overCapacity.map((step) => `${step.offeredRps}/s`).join(', ');
  if (overCapacity.length === 0) return 'sync shedding: no probe above capacity';
  const [shed, noRetryAfter, timeouts, other] = [
    total('unavailable'),
    total('unavailableWithoutRetryAfter'),
    total('noResponse'),
    total('failed'),
  ];
  const verdict =
    shed + timeouts + other === 0
      ? 'not exercised (the probes over capacity were only slower)'
      : noRetryAfter === 0 && timeouts === 0 && other === 0
        ? 'sheds with 503 and Retry-After only'
        : 'not only 503 with Retry-After';
  return `sync shedding above capacity (${rates}): ${shed} × 503 (${noRetryAfter} without Retry-After), ${timeouts} without a response, ${other} other errors: ${verdict}`;
}
