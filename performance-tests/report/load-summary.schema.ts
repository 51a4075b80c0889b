/**
 * `summary.json` of a load run (`npm run perf -- compare|spike|soak`): the few kilobytes of
 * result.json worth committing, per step (a rate of compare, a phase of spike, a slice of soak):
 * the rates, latency percentiles, the shares that went wrong, and the verdict the run gave it.
 * `npm run perf:publish -- <results-dir>` copies it to docs/performance/runs/<folder>/summary.json.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { summaryBaselineSchema, summaryRunFields } from './summary-machine';

const milliseconds = z.number().nonnegative();
const share = z.number().min(0).max(1);

export const LOAD_SCENARIOS = ['compare', 'spike', 'soak'] as const;
export type LoadScenario = (typeof LOAD_SCENARIOS)[number];

export const loadStepSummarySchema = z.object({
  mode: z.string().min(1),
  /** e.g. 'sync @ 100/s', 'async_spike', 'sync_slice_3'. */
  label: z.string().min(1),
  offered_rps: z.number().nonnegative(),
  achieved_rps: z.number().nonnegative(),
  requests: z.number().int().nonnegative(),
  /** Seconds since the run started, and the step's length (spike phases and soak slices are drawn over time). */
  start_s: z.number().nonnegative(),
  duration_s: z.number().nonnegative(),
  p50_ms: milliseconds,
  p95_ms: milliseconds,
  p99_ms: milliseconds,
  max_ms: milliseconds,
  error_share: share,
  share_503: share,
  /** null: the step did not count 409s. */
  share_409: share.nullable(),
  dropped: z.number().int().nonnegative(),
  /** Async: POST → order final, of the followed orders; null when not measured. */
  e2e: z.object({ p50_ms: milliseconds, p99_ms: milliseconds, count: z.number().int().nonnegative() }).nullable(),
  /**
   * Async: accepted → placed, from the worker's own histogram (order_async_end_to_end_seconds),
   * every order of the step, no request spent on it; each figure is its bucket's upper bound
   * (null: above the last finite bucket). Absent in summaries written before it was recorded.
   */
  worker_e2e: z
    .object({ p50_ms: milliseconds.nullable(), p99_ms: milliseconds.nullable(), count: z.number().int().nonnegative() })
    .nullable()
    .optional(),
  /** Async: seconds from the step's end until the consumer lag was back to 0; null when not measured. */
  drain_s: z.number().nonnegative().nullable(),
  /** Share of the step's HTTP requests that were polls of followed orders; null when not recorded. */
  poll_share: share.nullable(),
  /** Whether the step held the run's SLO; null when the run gave no verdict. */
  slo_met: z.boolean().nullable(),
  /** Why the step did not hold the SLO, one reason each (empty when it held or none was recorded). */
  slo_misses: z.array(z.string()),
});

export const loadSummarySchema = z.object({
  kind: z.literal('load'),
  ...summaryRunFields,
  scenario: z.enum(LOAD_SCENARIOS),
  /** The data set k6 seeded: 'default' or 'contention'. */
  dataset: z.string().min(1),
  settings: z.record(z.string(), z.unknown()),
  /** Unmeasured steps k6 ran before the first measured one (empty: none). */
  warm_ups: z.array(
    z.object({ modes: z.array(z.string()), rate_per_s: z.number().nonnegative(), seconds: z.number().nonnegative() }),
  ),
  steps: z.array(loadStepSummarySchema),
  /** Compare runs: the ceilings measured after the steps (empty when BASELINES=false). */
  baselines: z.array(summaryBaselineSchema),
  notes: z.array(z.string()),
});

export type LoadSummary = z.infer<typeof loadSummarySchema>;
export type LoadStepSummary = z.infer<typeof loadStepSummarySchema>;

/** Reads and validates a load summary; the error names the file and every wrong field. */
export function readLoadSummary(file: string): LoadSummary {
  const parsed = loadSummarySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a load-run summary:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
