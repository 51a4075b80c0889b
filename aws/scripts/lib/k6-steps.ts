/**
 * Reading a point's k6 per-step summary (the `{ setup, steps }` file performance-tests/k6/lib/summary.js
 * writes) and whether each step held its SLO, for the single-instance probe: its highest held step
 * sets the ladders of the points that follow.
 *
 * The rule is the runner's (performance-tests/runner/result-builder.ts, `heldSlo`), restated here
 * and in performance-tests/scaling/ecs-runs.ts because packages import each other only through
 * their exports; its figures are read from the k6 suite's slo.json, which this tool uploads: p99 ≤ 100 ms, errors < 0.1 %, dropped ≤ 1 % of the offered iterations; sustained
 * steps also need the followed orders placed with an end-to-end p99 ≤ 1 s, none left unfinished.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PointMode } from './scaling-plan';
import { K6_SUITE_DIR, REPOSITORY_ROOT } from './stacks';

/** The figures of the suite's own SLO file (k6/lib/slo.json), the one k6 and the local runner read. */
interface SloFile {
  readonly p99Ms: { readonly value: number };
  readonly maxErrorRate: { readonly value: number };
  readonly maxDroppedShare: { readonly value: number };
  readonly sustained: { readonly e2eP99Ms: { readonly value: number } };
}
const SLO_FILE = path.join(REPOSITORY_ROOT, K6_SUITE_DIR, 'lib', 'slo.json');
const figures = JSON.parse(readFileSync(SLO_FILE, 'utf8')) as SloFile;

export const SLO = Object.freeze({
  p99Ms: figures.p99Ms.value,
  maxErrorRate: figures.maxErrorRate.value,
  maxDroppedShare: figures.maxDroppedShare.value,
  e2eP99Ms: figures.sustained.e2eP99Ms.value,
});

export interface K6StepFigures {
  readonly name: string;
  readonly offeredRps: number;
  readonly durationS: number;
  readonly requests: number;
  readonly errorRate: number;
  readonly droppedIterations: number;
  readonly notFinal: number;
  readonly latencyMs?: { readonly p99: number };
  readonly e2eMs?: { readonly p99: number; readonly count: number };
}

const NUMBERS = ['offeredRps', 'durationS', 'requests', 'errorRate', 'droppedIterations', 'notFinal'] as const;

/** The steps of a k6-steps.json; throws naming the file and the first field that is not as summary.js writes it. */
export function readK6Steps(file: string): K6StepFigures[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { steps?: unknown };
  if (!Array.isArray(parsed.steps)) throw new Error(`${file}: no "steps" array (is it a k6-steps.json?)`);
  return parsed.steps.map((step: Record<string, unknown>, index) => {
    const wrong = NUMBERS.find((field) => typeof step[field] !== 'number');
    if (wrong !== undefined || typeof step['name'] !== 'string')
      throw new Error(`${file}: step ${index} has no numeric ${wrong ?? 'name'}`);
    return step as unknown as K6StepFigures;
  });
}

export function heldSlo(step: K6StepFigures, mode: PointMode): boolean {
  const offered = step.offeredRps * step.durationS;
  const acceptance =
    step.requests > 0 &&
    (step.latencyMs?.p99 ?? Infinity) <= SLO.p99Ms &&
    step.errorRate < SLO.maxErrorRate &&
    step.droppedIterations <= offered * SLO.maxDroppedShare;
  if (mode !== 'sustained') return acceptance;
  return acceptance && (step.e2eMs?.count ?? 0) > 0 && step.e2eMs!.p99 <= SLO.e2eP99Ms && step.notFinal === 0;
}

/** The highest offered rate held below the first step that missed, or undefined when none did. */
export function highestHeldRate(steps: readonly K6StepFigures[], mode: PointMode): number | undefined {
  const sorted = [...steps].sort((a, b) => a.offeredRps - b.offeredRps);
  const firstMiss = sorted.findIndex((step) => !heldSlo(step, mode));
  const held = firstMiss === -1 ? sorted : sorted.slice(0, firstMiss);
  return held.at(-1)?.offeredRps;
}
