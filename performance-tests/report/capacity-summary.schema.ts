/**
 * `summary.json` of a capacity run: the few kilobytes of result.json worth committing (the goals,
 * the capacities, the baselines, the bursts, the settings, the command and the machine's load), so
 * docs/performance.md's generated sections can be rebuilt from what is in the repository.
 * `npm run perf:publish -- <results-dir>` copies it to docs/performance/runs/<folder>/summary.json.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { summaryBaselineSchema, summaryRunFields } from './summary-machine';

export const summaryGoalSchema = z.object({
  figure: z.string().min(1),
  /** e.g. '≥ 0.6×' */
  goal: z.string(),
  bound: z.object({ op: z.enum(['≥', '≤']), value: z.number() }),
  /** null: not measured. */
  value: z.number().nullable(),
  unit: z.string(),
  inputs: z.array(z.object({ name: z.string().min(1), value: z.number().nullable(), unit: z.string() })),
  /** The figure in words, with its inputs. */
  measured: z.string(),
  verdict: z.enum(['met', 'missed', 'not measured']),
});

export const capacitySummarySchema = z.object({
  kind: z.literal('capacity'),
  ...summaryRunFields,
  settings: z.record(z.string(), z.unknown()),
  goals: z.array(summaryGoalSchema),
  capacity: z.array(z.object({ mode: z.string().min(1), max_rps: z.number().nonnegative(), slo: z.string() })),
  baselines: z.array(summaryBaselineSchema),
  sync_burst: z
    .object({
      orders_per_burst: z.number().int().nonnegative(),
      within_ms: z.number().nonnegative(),
      rounds: z.array(
        z.object({
          sent: z.number().int().nonnegative(),
          created_within: z.number().int().nonnegative(),
          statuses: z.record(z.string(), z.number().int().nonnegative()),
          p50_ms: z.number().nonnegative(),
          p99_ms: z.number().nonnegative(),
          max_ms: z.number().nonnegative(),
          send_spread_ms: z.number().nonnegative(),
        }),
      ),
    })
    .nullable(),
  notes: z.array(z.string()),
});

export type CapacitySummary = z.infer<typeof capacitySummarySchema>;
export type SummaryGoal = z.infer<typeof summaryGoalSchema>;

/** Reads and validates a capacity summary; the error names the file and every wrong field. */
export function readCapacitySummary(file: string): CapacitySummary {
  const parsed = capacitySummarySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a capacity summary:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
