/**
 * The machine a published run measured on, as every summary.json records it: its cores, Node and
 * k6, and how busy it was before and after the run (load averages and the processes beside it).
 */
import { z } from 'zod';
import type { MachineLoad, RunResult } from './result.schema';

export const summaryLoadSchema = z.object({
  load_average: z.array(z.number().nonnegative()).length(3),
  busy: z.array(z.object({ command: z.string(), cpu_percent: z.number().nonnegative() })),
});

export const summaryMachineSchema = z.object({
  cpus: z.number().int().positive(),
  cpu_model: z.string(),
  memory_gib: z.number().positive(),
  node: z.string(),
  k6: z.string().nullable(),
  os: z.string().nullable(),
  /** null: not recorded. `busy`: other processes on the CPU then (≥ 10 % of a core). */
  before: summaryLoadSchema.nullable(),
  after: summaryLoadSchema.nullable(),
});

/** What every summary.json of a run on this machine records about the run itself. */
export const summaryRunFields = {
  /** The results folder's name, e.g. 2026-11-30T12-00-00-capacity. */
  run: z.string().min(1),
  command: z.string().min(1),
  started_at: z.iso.datetime({ offset: true }),
  finished_at: z.iso.datetime({ offset: true }),
  duration_s: z.number().nonnegative(),
  machine: summaryMachineSchema,
};

/** A ceiling a run measured beside its steps (compare and capacity runs), and its ratio to another. */
export const summaryBaselineSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  value: z.number(),
  unit: z.string(),
  ratio: z.object({ to: z.string(), value: z.number() }).nullable(),
});

export type SummaryLoad = z.infer<typeof summaryLoadSchema>;
export type SummaryMachine = z.infer<typeof summaryMachineSchema>;

export function summarizeMachine(machine: RunResult['machine']): SummaryMachine {
  return {
    cpus: machine.cpus,
    cpu_model: machine.cpuModel,
    memory_gib: machine.memoryGiB,
    node: machine.node,
    k6: machine.k6 ?? null,
    os: machine.os ?? null,
    before: summarizeLoad(machine.loadBefore),
    after: summarizeLoad(machine.loadAfter),
  };
}

export function summarizeLoad(load: MachineLoad | undefined): SummaryLoad | null {
  if (!load) return null;
  return {
    load_average: load.loadAverage,
    busy: load.busy.map((entry) => ({ command: entry.command, cpu_percent: entry.cpuPercent })),
  };
}
