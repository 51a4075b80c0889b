/**
 * `summary.json` of a scaling experiment (`npm run perf -- scaling` here, or the ECS load test's
 * runs assembled by `npm run perf:report -- --scaling <dir>`): per tier, mode and data set, the
 * throughput measured at each replica count, every repeat kept. Derived figures (efficiency, the
 * USL fit, the projection) are computed from these points when a report or the doc is drawn
 * (scaling-curve.ts), never stored, so they cannot disagree with the points.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const SCALING_TIERS = ['order-worker', 'order-service', 'product-service'] as const;
/**
 * sync: sync capacity at its SLO; async: async acceptance capacity at its SLO; drain: the rate the
 * workers place a queued backlog at; sustained: the async rate the workers keep up with (end to
 * end within its SLO; on ECS, where a backlog's drain cannot be timed from outside).
 */
export const SCALING_MODES = ['sync', 'async', 'drain', 'sustained'] as const;

const loadSchema = z.object({
  load_average: z.array(z.number().nonnegative()).length(3),
  busy: z.array(z.object({ command: z.string(), cpu_percent: z.number().nonnegative() })),
});

/** What held a point back (point-limit.ts), read at the load that broke it. */
const pointLimitSchema = z.object({
  /** tier: its replicas used their quota; machine: they did not, and the machine was full; neither: no CPU ran out. */
  verdict: z.enum(['tier', 'machine', 'neither']),
  /** The offered rate of the probe read (the search's lowest missed rate); null for a drain. */
  at_rate: z.number().nonnegative().nullable(),
  /** The scaled tier's CPU ÷ its quota (N × cores per replica). */
  tier_quota_use: z.number().nonnegative(),
  /** Share of CFS periods in which a replica used up its quota (null: no cgroup controller). */
  throttled_share: z.number().min(0).max(1).nullable(),
  /** Cores the whole machine kept busy, k6 included. */
  machine_cores: z.number().nonnegative(),
  machine_cpus: z.number().int().positive(),
});

/** Row-lock waits per order completed at a point (row-locks.ts). */
const rowLocksSchema = z.object({
  /** MariaDB's server-wide counters: every wait, the outbox relays' included. */
  waits_per_order: z.number().nonnegative(),
  wait_ms_per_order: z.number().nonnegative(),
  /** Sampled waiting transactions by table, × the point's time (null: nothing could be sampled). */
  product_wait_ms_per_order: z.number().nonnegative().nullable(),
  outbox_wait_ms_per_order: z.number().nonnegative().nullable(),
  samples: z.number().int().nonnegative(),
});

export const scalingPointSchema = z.object({
  /** Replicas of the scaled tier. */
  n: z.number().int().positive(),
  /** Throughput of each repeat, in the series' unit. */
  runs: z.array(z.number().nonnegative()).min(1),
  /** CPU milliseconds per order of each process kind at this point (from /proc), above its rate at rest, when recorded. */
  cpu_ms_per_order: z.record(z.string(), z.number().nonnegative()).nullable(),
  /** CPU milliseconds per second of each process kind at rest, just before the point's load. */
  idle_cpu_ms_per_s: z.record(z.string(), z.number()).optional(),
  /** e.g. "p99 84 ms at 300/s; missed at 340/s". */
  detail: z.string(),
  /** Row-lock waits per order completed over the point (absent: not read, e.g. on ECS). */
  row_locks: rowLocksSchema.nullable().optional(),
  /** What held the point back (absent: not read, e.g. on ECS; null: nothing broke it). */
  limit: pointLimitSchema.nullable().optional(),
});

export const scalingSeriesSchema = z.object({
  tier: z.enum(SCALING_TIERS),
  mode: z.enum(SCALING_MODES),
  dataset: z.string().min(1),
  unit: z.string().min(1),
  /** What one point measures, in words (the SLO of a capacity search, or "first to last order placed"). */
  measure: z.string().min(1),
  /** Cores each replica of the tier could use in this series (absent: as in `isolation`). */
  cores_per_replica: z.number().positive().nullable().optional(),
  points: z.array(scalingPointSchema).min(1),
});

export const scalingSummarySchema = z.object({
  kind: z.literal('scaling'),
  /** The results folder's name, e.g. 2026-11-30T16-00-00-scaling. */
  run: z.string().min(1),
  /** 'local': this machine, replicas under CPU quotas; 'ecs': AWS ECS tasks. */
  target: z.enum(['local', 'ecs']),
  command: z.string().min(1),
  started_at: z.iso.datetime({ offset: true }),
  finished_at: z.iso.datetime({ offset: true }),
  duration_s: z.number().nonnegative(),
  machine: z.object({
    cpus: z.number().int().positive().nullable(),
    cpu_model: z.string().nullable(),
    node: z.string().nullable(),
    k6: z.string().nullable(),
    before: loadSchema.nullable(),
    after: loadSchema.nullable(),
  }),
  /** How each replica got its fixed CPU share, and where the load generator ran. */
  isolation: z.object({
    mechanism: z.enum(['cgroup-v1', 'cgroup-v2', 'taskset', 'none', 'ecs-task']),
    /** Cores each replica of the scaled tier may use (null: not limited, or set per series). */
    cores_per_replica: z.number().positive().nullable(),
    period_us: z.number().int().positive().nullable(),
    /** What the other tiers and the load generator got, in words. */
    others: z.string(),
  }),
  settings: z.record(z.string(), z.unknown()),
  series: z.array(scalingSeriesSchema).min(1),
  notes: z.array(z.string()),
});

export type ScalingSummary = z.infer<typeof scalingSummarySchema>;
export type ScalingSeries = z.infer<typeof scalingSeriesSchema>;
export type ScalingPointRecord = z.infer<typeof scalingPointSchema>;
export type PointLimitRecord = z.infer<typeof pointLimitSchema>;
export type RowLocksRecord = z.infer<typeof rowLocksSchema>;
export type ScalingTier = (typeof SCALING_TIERS)[number];
export type ScalingMode = (typeof SCALING_MODES)[number];

export const SCALING_SUMMARY_FILE = 'summary.json';

/** Reads and validates a scaling summary; the error names the file and every wrong field. */
export function readScalingSummary(file: string): ScalingSummary {
  const parsed = scalingSummarySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a scaling summary:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
