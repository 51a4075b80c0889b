/**
 * The SLO every verdict uses, from its one source, k6/lib/slo.json (k6's thresholds read the same
 * file): read here with fs and zod alone, so a module that needs only the SLO (the ECS assembly)
 * does not load the runner.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface Slo {
  readonly p99Ms: number;
  readonly maxErrorRate: number;
  /** Share of the offered iterations k6 may fail to start before the step counts as not held. */
  readonly maxDroppedShare: number;
  /** Share of 409s above which a step measured refusals, not orders, and has not held. */
  readonly maxRejectedShare: number;
  /** Async with the worker running: p99 of the followed orders' end-to-end latency, none left unfinished. */
  readonly e2eP99Ms?: number;
  /** Async with the worker running: seconds after the step's end by which the consumer lag is back to 0. */
  readonly maxDrainS?: number;
}

export const SLO_FILE = path.join(__dirname, '..', 'k6', 'lib', 'slo.json');

const figure = z.object({ value: z.number().nonnegative(), env: z.string().regex(/^SLO_\w+$/), what: z.string() });
const sloFileSchema = z.object({
  description: z.string(),
  p99Ms: figure,
  maxErrorRate: figure,
  maxDroppedShare: figure,
  maxRejectedShare: figure,
  sustained: z.object({ e2eP99Ms: figure, maxDrainS: figure }),
});

/** Reads slo.json; each figure is overridden by its environment variable when that is set. */
export function readSlo(file = SLO_FILE, environment: NodeJS.ProcessEnv = process.env): { base: Slo; sustained: Slo } {
  const slo = sloFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const valueOf = ({ value, env }: z.infer<typeof figure>) => {
    const given = environment[env];
    if (given === undefined || given === '') return value;
    if (!Number.isFinite(Number(given))) throw new Error(`${env} must be a number, got ${given}`);
    return Number(given);
  };
  const base: Slo = Object.freeze({
    p99Ms: valueOf(slo.p99Ms),
    maxErrorRate: valueOf(slo.maxErrorRate),
    maxDroppedShare: valueOf(slo.maxDroppedShare),
    maxRejectedShare: valueOf(slo.maxRejectedShare),
  });
  const sustained: Slo = Object.freeze({
    ...base,
    e2eP99Ms: valueOf(slo.sustained.e2eP99Ms),
    maxDrainS: valueOf(slo.sustained.maxDrainS),
  });
  return { base, sustained };
}

const SLOS = readSlo();

/** The SLO of compare, capacity, spike and soak (k6/lib/slo.json; SLO_P99_MS, SLO_MAX_ERROR_RATE, …). */
export const DEFAULT_SLO: Slo = SLOS.base;
/** Async with the worker running: DEFAULT_SLO, and the orders placed in time. */
export const SUSTAINED_SLO: Slo = SLOS.sustained;
