/**
 * `summary.json` of an outbox burst (`npm run perf:outbox`): how long the product service's relay
 * took to publish a burst of updates, from the outbox table itself. Small on purpose, so it is
 * committed by `npm run perf:publish -- performance-tests/results/<stamp>-outbox`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { summaryRunFields } from '../report/summary-machine';

const milliseconds = z.number().nonnegative();

export const outboxSummarySchema = z.object({
  kind: z.literal('outbox'),
  ...summaryRunFields,
  settings: z.object({
    burst: z.number().int().positive(),
    concurrency: z.number().int().positive(),
    products: z.number().int().positive(),
    db_pool_max: z.number().int().positive(),
  }),
  failed_requests: z.number().int().nonnegative(),
  /** Outbox rows written by the burst. */
  events: z.number().int().nonnegative(),
  updates_per_s: z.number().nonnegative(),
  /** From the first request to the last commit, and to the last row published. */
  all_committed_s: z.number().nonnegative(),
  all_published_s: z.number().nonnegative(),
  drain_after_last_commit_ms: z.number(),
  /** published_at − occurred_at of each outbox row of the burst. */
  lag_ms: z.object({ p50: milliseconds, p95: milliseconds, p99: milliseconds, max: milliseconds }),
});

export type OutboxSummary = z.infer<typeof outboxSummarySchema>;

/** Reads and validates an outbox summary; the error names the file and every wrong field. */
export function readOutboxSummary(file: string): OutboxSummary {
  const parsed = outboxSummarySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not an outbox summary:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
