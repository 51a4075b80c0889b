/**
 * The ECS scaling experiment's points, assembled into a scaling summary. `npm run aws -- loadtest
 * --tier …` leaves one folder per point in the experiment's folder:
 *
 *   <experiment>/experiment.json                      the plan (tier, counts, task sizes, SLO, …)
 *   <experiment>/<tier>-<mode>-<n>x-r<k>/point.json   tier, mode, n, repeat, rates offered, k6's exit code
 *   <experiment>/<tier>-<mode>-<n>x-r<k>/k6-steps.json   k6's per-step summary (performance-tests/k6/lib/summary.js)
 *
 * (and <tier>-<mode>-1x-probe/, the single-instance probe that set the ladders: not a point). Each
 * point's throughput is the highest offered step of its ladder that held the SLO: the runner's rule
 * (runner/result-builder.ts `heldSlo`, restated here because importing it would pull in the
 * runner's Kafka samplers), on the same figures (runner/slo.ts). Reads files, writes nothing: report.cli.ts `--scaling` writes.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SLO_FILE, readSlo } from '../runner/slo';
import {
  SCALING_TIERS,
  scalingSummarySchema,
  type ScalingMode,
  type ScalingPointRecord,
  type ScalingSeries,
  type ScalingSummary,
} from './scaling-summary.schema';

export const EXPERIMENT_FILE = 'experiment.json';
export const POINT_FILE = 'point.json';
export const K6_STEPS_FILE = 'k6-steps.json';

/**
 * The SLO a point's steps are judged by, and the deploy tool records in experiment.json: the
 * bounds of k6/lib/slo.json as written, which is what the k6 task on ECS reads (no SLO_* variable
 * reaches it, so none applies here either).
 */
export const ECS_SLO = (({ base, sustained }) =>
  Object.freeze({
    p99Ms: base.p99Ms,
    maxErrorRate: base.maxErrorRate,
    maxDroppedShare: base.maxDroppedShare,
    e2eP99Ms: sustained.e2eP99Ms ?? 1000,
  }))(readSlo(SLO_FILE, {}));

/** sustained: the async rate the worker keeps up with (on ECS the backlog's drain cannot be timed from outside). */
const POINT_MODES = ['sync', 'async', 'sustained'] as const;
export type PointMode = (typeof POINT_MODES)[number];
const SERIES_MODE: Readonly<Record<PointMode, ScalingMode>> = { sync: 'sync', async: 'async', sustained: 'sustained' };

const ACCEPTANCE = `p99 ≤ ${ECS_SLO.p99Ms} ms, errors < ${ECS_SLO.maxErrorRate * 100}%, dropped ≤ ${ECS_SLO.maxDroppedShare * 100}%`;
const MEASURES: Readonly<Record<PointMode, string>> = {
  sync: `highest offered rate of the ladder at which sync orders held ${ACCEPTANCE}`,
  async: `highest offered rate of the ladder at which async orders were accepted (202) within ${ACCEPTANCE}; the worker running`,
  sustained:
    `sustained rate, not a backlog drain: highest offered async rate whose followed orders were placed with ` +
    `end-to-end p99 ≤ ${ECS_SLO.e2eP99Ms} ms, none unfinished, acceptance within ${ACCEPTANCE}`,
};

const isoTime = z.iso.datetime({ offset: true });

const experimentSchema = z.looseObject({
  experiment: z.string().min(1),
  tier: z.enum(SCALING_TIERS),
  command: z.string().min(1),
  started_at: isoTime,
  finished_at: isoTime.optional(),
  others: z.number().int().positive(),
  order_requests_partitions: z.number().int().positive(),
  service_task: z.object({ cpu_units: z.number().positive(), memory_mib: z.number().positive() }),
  load_generator: z.object({
    cpu_units: z.number().positive(),
    memory_mib: z.number().positive(),
    k6_image: z.string(),
  }),
  dataset: z.string().min(1).default('default'),
});
type Experiment = z.infer<typeof experimentSchema>;
const singleCapacitySchema = z.record(z.string(), z.object({ rps: z.number(), source: z.string() }));

const pointSchema = z.object({
  tier: z.enum(SCALING_TIERS),
  mode: z.enum(POINT_MODES),
  n: z.number().int().positive(),
  repeat: z.number().int().nonnegative(),
  probe: z.boolean(),
  rates: z.array(z.number().positive()).min(1),
  k6_exit_code: z.number().int().nullable(),
  finished_at: isoTime,
});
type Point = z.infer<typeof pointSchema>;

const latencySchema = z.object({ p99: z.number().nonnegative(), count: z.number().nonnegative() });
/** The fields of a summary.js step this module reads (the file has more; they are kept out of the way). */
const k6StepSchema = z.object({
  name: z.string(),
  offeredRps: z.number().nonnegative(),
  durationS: z.number().nonnegative(),
  requests: z.number().nonnegative(),
  errorRate: z.number().nonnegative(),
  droppedIterations: z.number().nonnegative(),
  notFinal: z.number().nonnegative(),
  latencyMs: latencySchema.optional(),
  e2eMs: latencySchema.optional(),
});
export type EcsK6Step = z.infer<typeof k6StepSchema>;
const k6StepsSchema = z.object({ steps: z.array(k6StepSchema) });

/** The steps of one point's k6-steps.json; throws naming the file and what is not as summary.js writes it. */
export function readEcsK6Steps(file: string): EcsK6Step[] {
  return readJson(file, k6StepsSchema).steps;
}

/** Why a step did not hold, in words; undefined when it held. */
export function missedBy(step: EcsK6Step, mode: PointMode): string | undefined {
  const p99 = step.latencyMs?.p99;
  if (step.requests === 0) return 'no requests';
  if (p99 === undefined || p99 > ECS_SLO.p99Ms) return `p99 ${p99 ?? '–'} ms`;
  if (step.errorRate >= ECS_SLO.maxErrorRate) return `errors ${round(step.errorRate * 100, 2)}%`;
  if (step.droppedIterations > step.offeredRps * step.durationS * ECS_SLO.maxDroppedShare)
    return `${step.droppedIterations} dropped`;
  if (mode !== 'sustained') return undefined;
  if (!step.e2eMs || step.e2eMs.count === 0) return 'no order followed to the end';
  if (step.e2eMs.p99 > ECS_SLO.e2eP99Ms) return `end-to-end p99 ${step.e2eMs.p99} ms`;
  return step.notFinal > 0 ? `${step.notFinal} not placed in time` : undefined;
}

export const heldEcsSlo = (step: EcsK6Step, mode: PointMode): boolean => missedBy(step, mode) === undefined;

/** X of one run: the highest step held below the first miss (0: none held), and what that miss was. */
export function throughputOf(steps: readonly EcsK6Step[], mode: PointMode): { x: number; detail: string } {
  const sorted = [...steps].sort((a, b) => a.offeredRps - b.offeredRps);
  if (sorted.length === 0) return { x: 0, detail: 'no steps in the summary' };
  // As the local search: the capacity is below the first step that missed, whatever held above it.
  const firstMiss = sorted.findIndex((step) => !heldEcsSlo(step, mode));
  const held = firstMiss === -1 ? sorted : sorted.slice(0, firstMiss);
  const best = held.at(-1);
  if (!best) return { x: 0, detail: `no step held (${sorted[0]?.offeredRps ?? 0}/s: ${missedBy(sorted[0]!, mode)})` };
  const above = sorted.find((step) => step.offeredRps > best.offeredRps && !heldEcsSlo(step, mode));
  const e2e = mode === 'sustained' ? `, end-to-end p99 ${best.e2eMs?.p99} ms` : '';
  const heldText = `${best.offeredRps}/s held (p99 ${best.latencyMs?.p99} ms${e2e})`;
  const missText = above
    ? `missed at ${above.offeredRps}/s (${missedBy(above, mode)})`
    : "the ladder's top: a lower bound";
  return { x: best.offeredRps, detail: `${heldText}, ${missText}` };
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not as expected:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

interface MeasuredPoint {
  readonly point: Point;
  readonly folder: string;
  readonly x: number;
  readonly detail: string;
}

/** Every point folder of the experiment (probes left out), measured; `notes` gets what was skipped and why. */
function measurePoints(dir: string, notes: string[]): MeasuredPoint[] {
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, POINT_FILE)))
    .map((entry) => entry.name)
    .sort();
  const measured: MeasuredPoint[] = [];
  for (const folder of folders) {
    const point = readJson(path.join(dir, folder, POINT_FILE), pointSchema);
    if (point.probe) continue;
    const stepsFile = path.join(dir, folder, K6_STEPS_FILE);
    if (!existsSync(stepsFile)) {
      notes.push(`${folder}: no ${K6_STEPS_FILE} (k6 exited ${point.k6_exit_code ?? 'without a code'}); left out`);
      continue;
    }
    if (point.k6_exit_code !== 0 && point.k6_exit_code !== 99)
      notes.push(`${folder}: k6 exited ${point.k6_exit_code ?? 'without a code'}; its summary is used as it is`);
    measured.push({ point, folder, ...throughputOf(readEcsK6Steps(stepsFile), point.mode) });
  }
  return measured;
}

function seriesOf(experiment: Experiment, measured: readonly MeasuredPoint[]): ScalingSeries[] {
  const modes = POINT_MODES.filter((mode) => measured.some(({ point }) => point.mode === mode));
  return modes.map((mode) => {
    const ofMode = measured.filter(({ point }) => point.mode === mode);
    const counts = [...new Set(ofMode.map(({ point }) => point.n))].sort((a, b) => a - b);
    const points: ScalingPointRecord[] = counts.map((n) => {
      const runs = ofMode.filter(({ point }) => point.n === n).sort((a, b) => a.point.repeat - b.point.repeat);
      return {
        n,
        runs: runs.map(({ x }) => x),
        cpu_ms_per_order: null,
        detail: runs.map(({ point, detail }) => `r${point.repeat}: ${detail}`).join('; '),
      };
    });
    return {
      tier: experiment.tier,
      mode: SERIES_MODE[mode],
      dataset: experiment.dataset,
      unit: 'orders/s',
      measure: MEASURES[mode],
      points,
    };
  });
}

function isolationOf(experiment: Experiment): ScalingSummary['isolation'] {
  const { service_task: task, load_generator: generator } = experiment;
  return {
    mechanism: 'ecs-task',
    cores_per_replica: task.cpu_units / 1024,
    period_us: null,
    others:
      `every other tier, the gateway included, at ${experiment.others} Fargate tasks (the worker at most ` +
      `${experiment.order_requests_partitions}, the partitions of order-requests), each task ${task.cpu_units / 1024} vCPU / ` +
      `${task.memory_mib} MiB; one RDS instance and one MSK cluster shared by all; the load generator one ECS task ` +
      `of ${generator.cpu_units / 1024} vCPU / ${generator.memory_mib} MiB (${generator.k6_image})`,
  };
}

function notesOf(experiment: Experiment, measured: readonly MeasuredPoint[]): string[] {
  const notes = [
    "X(N): the highest offered step of the point's ladder that held the SLO; each point is one k6 task on ECS " +
      'running the whole ladder (SCENARIO=capacity) against the load balancer.',
    'machine: the load generator (one ECS task), not the system measured.',
  ];
  const single = singleCapacitySchema.safeParse(experiment['single_capacity']);
  if (single.success) {
    const described = Object.entries(single.data).map(([mode, { rps, source }]) => `${mode} ${rps}/s (${source})`);
    notes.push(`X(1) the ladders were built on: ${described.join(', ')}.`);
  }
  const lowerBounds = measured.filter(({ detail }) => detail.includes('lower bound')).map(({ folder }) => folder);
  if (lowerBounds.length > 0)
    notes.push(`The ladder's top held in ${lowerBounds.join(', ')}: those X are lower bounds.`);
  return notes;
}

/** The experiment in `dir` as a scaling summary (kind 'scaling', target 'ecs'); throws naming what is missing. */
export function assembleEcsExperiment(dir: string): ScalingSummary {
  const experiment = readJson(path.join(dir, EXPERIMENT_FILE), experimentSchema);
  const skipped: string[] = [];
  const measured = measurePoints(dir, skipped);
  if (measured.length === 0) throw new Error(`${dir}: no point with a ${K6_STEPS_FILE} to assemble`);
  const lastPoint = measured
    .map(({ point }) => point.finished_at)
    .sort()
    .at(-1)!;
  const finishedAt = experiment.finished_at ?? lastPoint;
  const { experiment: run, command, started_at: startedAt, finished_at: _finished, ...settings } = experiment;
  const generatorCpus = Math.max(1, Math.round(experiment.load_generator.cpu_units / 1024));
  return scalingSummarySchema.parse({
    kind: 'scaling',
    run,
    target: 'ecs',
    command,
    started_at: startedAt,
    finished_at: finishedAt,
    duration_s: Math.max(0, (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000),
    machine: {
      cpus: generatorCpus,
      cpu_model: null,
      node: null,
      k6: experiment.load_generator.k6_image,
      before: null,
      after: null,
    },
    isolation: isolationOf(experiment),
    settings,
    series: seriesOf(experiment, measured),
    notes: [...notesOf(experiment, measured), ...skipped],
  });
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
