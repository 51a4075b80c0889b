/**
 * What a k6 run leaves in `performance-tests/results/<timestamp>-<scenario>/result.json`: the
 * runner writes it, the report generator reads it. One zod schema, the types inferred from it, so
 * the file and the code that reads it cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const milliseconds = z.number().nonnegative();
const fraction = z.number().min(0).max(1);
const count = z.number().int().nonnegative();

/** e.g. 'sync' | 'async' | 'noop-202' | 'bare-http' | 'async-direct' | 'sync-direct' */
export const modeSchema = z.string().min(1);

/** Milliseconds. */
export const latencyStatsSchema = z.object({
  avg: milliseconds,
  p50: milliseconds,
  p95: milliseconds,
  p99: milliseconds,
  max: milliseconds,
});

export const stepResultSchema = z.object({
  mode: modeSchema,
  /** e.g. 'sync @ 100/s' */
  label: z.string().min(1),
  /** The arrival rate asked for (for spike phases: the phase's rate). */
  offeredRps: z.number().nonnegative(),
  /** Seconds since the run started. */
  startS: z.number().nonnegative(),
  durationS: z.number().nonnegative(),
  /** Responses received per second in the step. */
  achievedRps: z.number().nonnegative(),
  requests: count,
  /** Request latency as k6 measured it. */
  latencyMs: latencyStatsSchema,
  /** HTTP status → count; '0' = no response (timeout, connection error). */
  statuses: z.record(z.string().regex(/^\d{1,3}$/, 'an HTTP status code, or 0 for no response'), count),
  /** Requests that were not the expected success status (201 sync, 202 async); a 409 is 'rejected', not an error. */
  errorRate: fraction,
  /** Answered 409 (contention data set: out of stock). */
  rejectedRate: fraction.optional(),
  /** Answered 503. */
  rate503: fraction,
  /** Iterations k6 could not start in time (the load generator fell behind). */
  droppedIterations: count,
  /** Async: POST → order in its final status, from polling the Location. */
  e2eMs: latencyStatsSchema.extend({ count }).optional(),
  /** Async: seconds from the step's end until the consumer lag was back to 0. */
  drainS: z.number().nonnegative().optional(),
  /** Capacity probes: whether this step held the SLO. */
  sloMet: z.boolean().optional(),
  /** Why the step did not hold the SLO, one reason each (absent or empty when it held). */
  sloMisses: z.array(z.string()).optional(),
  /**
   * Async: the worker's own histogram (order_async_end_to_end_seconds), bucket counts after the
   * step minus before it; each percentile is its bucket's upper bound (null: above the last finite
   * bucket), so the resolution is the bucket's width, no finer.
   */
  workerE2eMs: z
    .object({
      p50: milliseconds.nullable(),
      p95: milliseconds.nullable(),
      p99: milliseconds.nullable(),
      count,
      resolution: z.string(),
    })
    .optional(),
  /** GETs of followed async orders' Locations (the measurement's own load) and their share of the step's requests. */
  polls: count.optional(),
  pollShare: fraction.optional(),
  /** True when the lag was already 0 at the first sample after the step: drainS is below the sampler's resolution. */
  drainBelowResolution: z.boolean().optional(),
  /** Per process: CPU milliseconds (user + system) per order POST of the step, its drain included. */
  cpuMsPerRequest: z.record(z.string(), z.number().nonnegative()).optional(),
  /** Per process: the highest event-loop lag p99 sampled during the step, milliseconds. */
  eventLoopLagP99Ms: z.record(z.string(), z.number().nonnegative()).optional(),
});

/** `t` = seconds since the run started; `series` e.g. 'order-worker lag', 'order-service rss MiB'. */
export const seriesPointSchema = z.object({ t: z.number(), value: z.number(), series: z.string().min(1) });

export const baselineSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  value: z.number(),
  unit: z.string(),
  ratio: z.object({ to: z.string().min(1), value: z.number() }).optional(),
});

/** One input of a goal's figure (e.g. the sync capacity of a ratio); null: not measured. */
export const goalInputSchema = z.object({ name: z.string().min(1), value: z.number().nullable(), unit: z.string() });

/** A goal stated as a figure against a bound (capacity runs: the goals of issue 16). */
export const goalFigureSchema = z.object({
  /** null: not measured in this run (an input is missing). */
  value: z.number().nullable(),
  /** '×' for a ratio, '%', 'µs', … */
  unit: z.string(),
  bound: z.object({ op: z.enum(['≥', '≤']), value: z.number() }),
  /** What the figure is computed from: a ratio's numerator and denominator, a share's counts. */
  inputs: z.array(goalInputSchema),
});

export const goalSchema = z.object({
  name: z.string().min(1),
  target: z.string(),
  measured: z.string(),
  /** null: not measured in this run. */
  met: z.boolean().nullable(),
  note: z.string().optional(),
  figure: goalFigureSchema.optional(),
});

/** The 1-minute, 5-minute and 15-minute load averages, and the processes busy on the CPU then. */
export const machineLoadSchema = z.object({
  loadAverage: z.array(z.number().nonnegative()).length(3),
  /** Processes using ≥ 10 % of a core over one second, busiest first (Linux only; empty elsewhere). */
  busy: z.array(z.object({ pid: count, command: z.string(), cpuPercent: z.number().nonnegative() })),
});

/** One burst of sync orders sent together: how many, how answered, how fast. */
export const burstRoundSchema = z.object({
  sent: count,
  /** Answered 201 within `withinMs` of being sent. */
  createdWithin: count,
  statuses: z.record(z.string().regex(/^\d{1,3}$/), count),
  latencyMs: z.object({ p50: milliseconds, p99: milliseconds, max: milliseconds }),
  /** From the first request written to the last: how close to "at the same moment" they left. */
  sendSpreadMs: milliseconds,
  /** Connections open before the burst (one per request when every request had its own). */
  connections: count,
});

export const syncBurstSchema = z.object({
  ordersPerBurst: count,
  withinMs: milliseconds,
  rounds: z.array(burstRoundSchema),
});

export const scenarioSchema = z.enum(['smoke', 'compare', 'capacity', 'spike', 'soak', 'scaling']);

export const runResultSchema = z.object({
  scenario: scenarioSchema,
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
  baseUrl: z.string().min(1),
  machine: z.object({
    cpus: z.number().int().positive(),
    cpuModel: z.string(),
    memoryGiB: z.number().positive(),
    node: z.string(),
    k6: z.string().optional(),
    os: z.string().optional(),
    /** Before the system was started, and after the run. */
    loadBefore: machineLoadSchema.optional(),
    loadAfter: machineLoadSchema.optional(),
  }),
  /** The command that made this run, with the settings given in the environment. */
  command: z.string().optional(),
  /** Data set, step length, SLO, … */
  settings: z.record(z.string(), z.unknown()),
  steps: z.array(stepResultSchema),
  series: z.object({
    lag: z.array(seriesPointSchema),
    memory: z.array(seriesPointSchema),
    throughput: z.array(seriesPointSchema).optional(),
    /** CPU of each service process, % of one core, e.g. 'order-service CPU %'. */
    cpu: z.array(seriesPointSchema).optional(),
    /** Event-loop lag p99 of each service process since its previous sample, e.g. 'gateway event-loop p99 ms'. */
    eventLoopLag: z.array(seriesPointSchema).optional(),
  }),
  /** Unmeasured k6 steps run before the first measured step of a k6 run, counted in no step. */
  warmUps: z
    .array(
      z.object({
        run: z.string(),
        modes: z.array(modeSchema),
        ratePerS: z.number().nonnegative(),
        seconds: z.number().nonnegative(),
      }),
    )
    .optional(),
  capacity: z.array(z.object({ mode: modeSchema, maxRps: z.number().nonnegative(), slo: z.string() })).optional(),
  baselines: z.array(baselineSchema),
  /** Capacity runs: bursts of sync orders sent at the same moment. */
  syncBurst: syncBurstSchema.optional(),
  goals: z.array(goalSchema),
  notes: z.array(z.string()),
  /** Relative to the result folder. */
  files: z.object({
    k6Summary: z.string().optional(),
    k6Dashboard: z.string().optional(),
    profiles: z.array(z.string()).optional(),
  }),
});

export type Mode = z.infer<typeof modeSchema>;
export type LatencyStats = z.infer<typeof latencyStatsSchema>;
export type StepResult = z.infer<typeof stepResultSchema>;
export type SeriesPoint = z.infer<typeof seriesPointSchema>;
export type Baseline = z.infer<typeof baselineSchema>;
export type Goal = z.infer<typeof goalSchema>;
export type GoalFigure = z.infer<typeof goalFigureSchema>;
export type MachineLoad = z.infer<typeof machineLoadSchema>;
export type BurstRound = z.infer<typeof burstRoundSchema>;
export type SyncBurst = z.infer<typeof syncBurstSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type RunResult = z.infer<typeof runResultSchema>;

export const RESULT_FILE = 'result.json';

/** Refused input: says which file and every field that is wrong. */
export class InvalidRunResultError extends Error {
  override readonly name = 'InvalidRunResultError';
}

/** Validates a parsed result; throws an InvalidRunResultError listing every wrong field. */
export function parseRunResult(input: unknown, source = 'the run result'): RunResult {
  const parsed = runResultSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidRunResultError(`${source} is not a valid run result:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** Reads and validates `<resultDir>/result.json`. */
export function readRunResult(resultDir: string): RunResult {
  const file = join(resultDir, RESULT_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidRunResultError(`${file} could not be read as JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseRunResult(json, file);
}
