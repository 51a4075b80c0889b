/**
 * Writes an outbox burst's summary.json (outbox-summary.schema.ts) into its own results folder,
 * performance-tests/results/<stamp>-outbox/, with the command that repeats it and the machine's
 * load before and after.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MachineLoad } from '../report/result.schema';
import { summarizeLoad } from '../report/summary-machine';
import { outboxSummarySchema, type OutboxSummary } from './outbox-summary.schema';

export const RESULTS_ROOT = path.join(__dirname, '..', 'results');

/** What the burst measured, in the summary's own words. */
export type OutboxFigures = Pick<
  OutboxSummary,
  | 'settings'
  | 'failed_requests'
  | 'events'
  | 'updates_per_s'
  | 'all_committed_s'
  | 'all_published_s'
  | 'drain_after_last_commit_ms'
  | 'lag_ms'
>;

export interface OutboxRun {
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly loadBefore: MachineLoad;
  readonly loadAfter: MachineLoad;
}

/** `BURST=5000 CONCURRENCY=50 npm run perf:outbox`: every setting named, so the command alone repeats the run. */
export function describeOutboxCommand(settings: OutboxFigures['settings']): string {
  return `BURST=${settings.burst} CONCURRENCY=${settings.concurrency} npm run perf:outbox`;
}

export function summarizeOutboxRun(figures: OutboxFigures, run: OutboxRun, folder: string): OutboxSummary {
  return outboxSummarySchema.parse({
    kind: 'outbox',
    run: folder,
    command: describeOutboxCommand(figures.settings),
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt.toISOString(),
    duration_s: Math.round((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000),
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      k6: null,
      os: `${os.type()} ${os.release()}`,
      before: summarizeLoad(run.loadBefore),
      after: summarizeLoad(run.loadAfter),
    },
    ...figures,
  });
}

/** Writes `<resultsRoot>/<stamp>-outbox/summary.json`; returns the folder. */
export function writeOutboxSummary(figures: OutboxFigures, run: OutboxRun, resultsRoot: string = RESULTS_ROOT): string {
  const folder = `${run.startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19)}-outbox`;
  const dir = path.join(resultsRoot, folder);
  mkdirSync(dir, { recursive: true });
  const summary = summarizeOutboxRun(figures, run, folder);
  writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return dir;
}
