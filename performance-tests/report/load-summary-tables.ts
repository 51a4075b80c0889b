/**
 * The tables of a published load run (load-summary.schema.ts): one row per step, and sync beside
 * async at each rate both were offered. Optional columns (409, end-to-end, drain, poll share,
 * SLO) appear only when some step has them.
 */
import { ABSENT, formatMs, formatNumber, formatPercent, formatRate, formatSeconds } from './figure-format';
import type { LoadStepSummary } from './load-summary.schema';
import type { Table } from './report-tables';

type Column = readonly [title: string, numeric: boolean, cell: (step: LoadStepSummary) => string];

const present = <T>(value: T | null): T | undefined => value ?? undefined;

const BASE_COLUMNS: readonly Column[] = [
  ['step', false, (step) => step.label],
  ['offered /s', true, (step) => formatRate(step.offered_rps)],
  ['achieved /s', true, (step) => formatRate(step.achieved_rps)],
  ['requests', true, (step) => formatNumber(step.requests)],
  ['p50 ms', true, (step) => formatMs(step.p50_ms)],
  ['p95 ms', true, (step) => formatMs(step.p95_ms)],
  ['p99 ms', true, (step) => formatMs(step.p99_ms)],
  ['max ms', true, (step) => formatMs(step.max_ms)],
  ['errors', true, (step) => formatPercent(step.error_share)],
  ['503', true, (step) => formatPercent(step.share_503)],
];

/** Each optional column with the test of whether a step has it. */
const OPTIONAL_COLUMNS: readonly [Column, (step: LoadStepSummary) => boolean][] = [
  [['409 rejected', true, (step) => formatPercent(present(step.share_409))], (step) => step.share_409 !== null],
  [['dropped', true, (step) => formatNumber(step.dropped)], () => true],
  [
    ['worker e2e p99 ms', true, (step) => formatBucket(step.worker_e2e)],
    (step) => step.worker_e2e !== null && step.worker_e2e !== undefined,
  ],
  [['polled e2e p99 ms', true, (step) => formatMs(step.e2e?.p99_ms)], (step) => step.e2e !== null],
  [['drain s', true, (step) => formatSeconds(present(step.drain_s))], (step) => step.drain_s !== null],
  [['poll share', true, (step) => formatPercent(present(step.poll_share))], (step) => step.poll_share !== null],
  [['SLO', false, (step) => formatSlo(step.slo_met)], (step) => step.slo_met !== null],
];

export function tabulateLoadSteps(steps: readonly LoadStepSummary[]): Table {
  const columns = [...BASE_COLUMNS, ...OPTIONAL_COLUMNS.filter(([, has]) => steps.some(has)).map(([column]) => column)];
  return {
    columns: columns.map(([title, numeric]) => ({ title, numeric })),
    rows: steps.map((step) => columns.map(([, , cell]) => cell(step))),
  };
}

/** A rate both modes were offered, with the step of each. */
export interface ModePair {
  readonly offeredRps: number;
  readonly sync: LoadStepSummary;
  readonly async: LoadStepSummary;
}

/** The rates offered to both sync and async, lowest first (the first step of each mode at a rate). */
export function pairModes(steps: readonly LoadStepSummary[]): ModePair[] {
  const first = (mode: string, rate: number) => steps.find((step) => step.mode === mode && step.offered_rps === rate);
  const rates = [...new Set(steps.filter((step) => step.mode === 'sync').map((step) => step.offered_rps))];
  return rates
    .sort((a, b) => a - b)
    .flatMap((rate) => {
      const [sync, async] = [first('sync', rate), first('async', rate)];
      return sync && async ? [{ offeredRps: rate, sync, async }] : [];
    });
}

/**
 * Sync beside async at each rate: achieved, acceptance p99 (the request), end-to-end p99 (a sync
 * order is placed when it is answered, so its end-to-end latency is its request latency) and errors.
 */
export function tabulateModePairs(pairs: readonly ModePair[]): Table {
  const numeric = (title: string) => ({ title, numeric: true });
  return {
    columns: [
      'offered /s',
      'sync achieved /s',
      'async achieved /s',
      'sync p99 ms (answered = placed)',
      'async acceptance p99 ms',
      'async end-to-end p99 ms (worker histogram, ≤ bucket)',
      'async end-to-end p99 ms (polled sample, upper bound)',
      'sync errors',
      'async errors',
    ].map(numeric),
    rows: pairs.map(({ offeredRps, sync, async }) => [
      formatRate(offeredRps),
      formatRate(sync.achieved_rps),
      formatRate(async.achieved_rps),
      formatMs(sync.p99_ms),
      formatMs(async.p99_ms),
      formatBucket(async.worker_e2e),
      formatMs(async.e2e?.p99_ms),
      formatPercent(sync.error_share),
      formatPercent(async.error_share),
    ]),
  };
}

/** A histogram percentile: its bucket's upper bound ('> last bucket' when above every finite one). */
function formatBucket(e2e: LoadStepSummary['worker_e2e']): string {
  if (!e2e || e2e.count === 0) return ABSENT;
  return e2e.p99_ms === null ? '> last bucket' : `≤ ${formatMs(e2e.p99_ms)}`;
}

function formatSlo(met: boolean | null): string {
  if (met === null) return ABSENT;
  return met ? '✓ held' : '✗ broken';
}
