/**
 * `npm run aws -- loadtest --tier T --instances 1,2,4,8`: the scaling experiment on ECS. Checks the
 * plan first (scaling-prerequisites.ts), then per count sets the scaled tier to N and every other
 * tier to the over-provisioned count, runs one k6 task per mode and repeat (a stepped capacity
 * ladder up to 1.25 × N × X(1)), and collects each into <experiment>/<tier>-<mode>-<n>x-r<k>/ with
 * its point.json. X(1) comes from --single-capacity, or from one probe task per mode at N = 1
 * first. After the last point `npm run perf:report -- --scaling <experiment>` assembles the
 * points (performance-tests/scaling/ecs-runs.ts) into summary.json and the report. Whether it ends
 * or fails, the services are set back to the counts they ran before it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ECS_SLO,
  EXPERIMENT_FILE,
  K6_STEPS_FILE,
  POINT_FILE,
  readEcsK6Steps,
  throughputOf,
} from '@ecom/performance-tests/ecs-runs';
import { run, step, type AwsCli } from './aws-cli';
import { stackParameters } from './cloudformation';
import { readDesiredCounts, restoreDesiredCounts, setDesiredCount, waitForServicesStable } from './ecs';
import { runK6Task, timestamp, type LoadTestStacks } from './k6-task';
import {
  LADDER_FRACTIONS,
  MODES_OF_TIER,
  PROBE_RATES,
  desiredCounts,
  estimateSeconds,
  k6Environment,
  ladderRates,
  pointName,
  pointsOf,
  probeName,
  type ExperimentSettings,
  type PointMode,
} from './scaling-plan';
import {
  DB_POOLS,
  ORDER_REQUESTS_PARTITIONS,
  assertScalingPrerequisites,
  connectionBudget,
} from './scaling-prerequisites';
import { ECS_SERVICES, REPOSITORY_ROOT, type EcsServiceName } from './stacks';

export interface ExperimentRequest extends Omit<ExperimentSettings, 'others'> {
  /** Count of the other tiers; default: the largest of `instanceCounts`. */
  readonly others?: number;
  readonly dbMaxConnections?: number;
  /** The command line, kept in experiment.json. */
  readonly command: string;
}

/** The templates' defaults (a test keeps them equal), for parameters a stack does not report. */
export const TEMPLATE_DEFAULTS = {
  DbInstanceClass: 'db.t4g.medium',
  TaskCpu: '512',
  TaskMemory: '1024',
  LoadTestCpu: '2048',
  LoadTestMemory: '4096',
  K6Image: 'grafana/k6:1.8.1',
} as const;

const TSX_CLI = path.join(REPOSITORY_ROOT, 'node_modules/tsx/dist/cli.mjs');

interface Experiment {
  readonly cli: AwsCli;
  readonly stacks: LoadTestStacks;
  readonly settings: ExperimentSettings;
  readonly id: string;
  readonly dir: string;
}

type Deployed = Record<keyof typeof TEMPLATE_DEFAULTS | 'GatewayRateLimitEnabled', string | undefined>;

export async function runScalingExperiment(
  cli: AwsCli,
  stacks: LoadTestStacks,
  request: ExperimentRequest,
  resultsRoot: string,
): Promise<void> {
  const settings: ExperimentSettings = { ...request, others: request.others ?? Math.max(...request.instanceCounts) };
  const deployed = await readDeployed(cli, stacks.environment);
  assertScalingPrerequisites(settings, {
    instanceClass: deployed.DbInstanceClass ?? TEMPLATE_DEFAULTS.DbInstanceClass,
    ...(request.dbMaxConnections !== undefined && { maxConnections: request.dbMaxConnections }),
    gatewayRateLimited: deployed.GatewayRateLimitEnabled !== 'false',
  });
  const id = `scaling-${settings.tier}-${timestamp()}`;
  const experiment: Experiment = { cli, stacks, settings, id, dir: path.join(resultsRoot, id) };
  mkdirSync(experiment.dir, { recursive: true });
  const record = experimentRecord(experiment, request.command, deployed);
  writeJson(path.join(experiment.dir, EXPERIMENT_FILE), record);
  announce(experiment);

  const before = await readDesiredCounts(cli, stacks.cluster, ECS_SERVICES);
  let single: SingleCapacities;
  try {
    single = await singleCapacities(experiment);
    writeJson(path.join(experiment.dir, EXPERIMENT_FILE), { ...record, single_capacity: single });
    for (const n of settings.instanceCounts) await runPointsAt(experiment, n, single);
  } finally {
    await restoreDesiredCounts(cli, stacks.cluster, before, ECS_SERVICES);
  }
  const finished = { ...record, single_capacity: single, finished_at: new Date().toISOString() };
  writeJson(path.join(experiment.dir, EXPERIMENT_FILE), finished);
  await assemble(experiment.dir);
}

/** The tier at `n`, the others over-provisioned, and every mode and repeat of that count. */
async function runPointsAt(experiment: Experiment, n: number, single: SingleCapacities): Promise<void> {
  const { settings } = experiment;
  await scaleTo(experiment, n);
  for (const point of pointsOf(settings).filter((candidate) => candidate.n === n)) {
    const rates = ladderRates(single[point.mode]?.rps ?? 0, n);
    await runPoint(
      experiment,
      { ...point, probe: false },
      rates,
      pointName(settings.tier, point.mode, n, point.repeat),
    );
  }
}

async function readDeployed(cli: AwsCli, environment: string): Promise<Deployed> {
  const data = await stackParameters(cli, environment, 'data');
  const services = await stackParameters(cli, environment, 'services');
  const loadtest = await stackParameters(cli, environment, 'loadtest');
  return {
    DbInstanceClass: data['DbInstanceClass'],
    TaskCpu: services['TaskCpu'],
    TaskMemory: services['TaskMemory'],
    GatewayRateLimitEnabled: services['GatewayRateLimitEnabled'],
    LoadTestCpu: loadtest['LoadTestCpu'],
    LoadTestMemory: loadtest['LoadTestMemory'],
    K6Image: loadtest['K6Image'],
  };
}

/** experiment.json: what the assembly needs beyond the points (performance-tests/scaling/ecs-runs.ts reads it). */
function experimentRecord(experiment: Experiment, command: string, deployed: Deployed) {
  const { settings } = experiment;
  const value = (key: keyof typeof TEMPLATE_DEFAULTS) => deployed[key] ?? TEMPLATE_DEFAULTS[key];
  return {
    experiment: experiment.id,
    tier: settings.tier,
    command,
    region: experiment.cli.region,
    started_at: new Date().toISOString(),
    instance_counts: settings.instanceCounts,
    repeats: settings.repeats,
    others: settings.others,
    order_requests_partitions: ORDER_REQUESTS_PARTITIONS,
    ladder_fractions: LADDER_FRACTIONS,
    probe_rates: PROBE_RATES,
    step_seconds: settings.stepSeconds,
    gap_seconds: settings.gapSeconds,
    e2e_sample: settings.e2eSample,
    slo: ECS_SLO,
    database: {
      instance_class: value('DbInstanceClass'),
      pools: DB_POOLS,
      connections_at_largest: connectionBudget(settings).total,
    },
    service_task: { cpu_units: Number(value('TaskCpu')), memory_mib: Number(value('TaskMemory')) },
    load_generator: {
      cpu_units: Number(value('LoadTestCpu')),
      memory_mib: Number(value('LoadTestMemory')),
      k6_image: value('K6Image'),
    },
    dataset: 'default',
  };
}

function announce({ settings, dir }: Experiment): void {
  const counts = (n: number) =>
    Object.entries(desiredCounts(settings, n, ORDER_REQUESTS_PARTITIONS))
      .map(([service, count]) => `${service} ${count}`)
      .join(', ');
  step(
    `scaling experiment: ${settings.tier} at ${settings.instanceCounts.join(', ')} instance(s), ` +
      `${MODES_OF_TIER[settings.tier].join(' and ')}, ${settings.repeats} repeat(s) each; at N = ` +
      `${Math.max(...settings.instanceCounts)}: ${counts(Math.max(...settings.instanceCounts))}`,
  );
  step(
    `about ${Math.round(estimateSeconds(settings) / 60)} minutes; results in ${path.relative(REPOSITORY_ROOT, dir)}/`,
  );
}

type SingleCapacities = Partial<Record<PointMode, { rps: number; source: 'given' | 'probe' }>>;

/** X(1) per mode: given, or the highest held step of one probe task at N = 1. */
async function singleCapacities(experiment: Experiment): Promise<SingleCapacities> {
  const { settings } = experiment;
  const single: SingleCapacities = {};
  const missing: PointMode[] = [];
  for (const mode of MODES_OF_TIER[settings.tier]) {
    const given = settings.singleCapacity[mode];
    if (given === undefined) missing.push(mode);
    else single[mode] = { rps: given, source: 'given' };
  }
  if (missing.length > 0) await scaleTo(experiment, 1);
  for (const mode of missing) {
    const name = probeName(settings.tier, mode);
    step(`probing the single-instance capacity of ${mode} at ${PROBE_RATES.join(', ')} orders/s`);
    await runPoint(experiment, { n: 1, mode, repeat: 0, probe: true }, PROBE_RATES, name);
    const { x: rps, detail } = throughputOf(readProbeSteps(path.join(experiment.dir, name, K6_STEPS_FILE)), mode);
    if (rps === 0) {
      throw new Error(
        `the probe of ${mode} at 1 instance held no step, not even ${PROBE_RATES[0]}/s (${detail}): see ${name}/ in ` +
          `${path.relative(REPOSITORY_ROOT, experiment.dir)}; nothing more was run`,
      );
    }
    const top = rps === Math.max(...PROBE_RATES) ? " (the probe's top: a lower bound; pass --single-capacity)" : '';
    step(`X(1) of ${mode}: ${rps} orders/s${top}`);
    single[mode] = { rps, source: 'probe' };
  }
  return single;
}

function readProbeSteps(file: string) {
  try {
    return readEcsK6Steps(file);
  } catch (error) {
    throw new Error(`the probe left no readable k6 summary (${(error as Error).message}); nothing more was run`);
  }
}

async function scaleTo({ cli, stacks, settings }: Experiment, n: number): Promise<void> {
  const counts = desiredCounts(settings, n, ORDER_REQUESTS_PARTITIONS);
  step(
    `setting ${settings.tier} to ${n}, the others to ${settings.others} (worker at most ${ORDER_REQUESTS_PARTITIONS})`,
  );
  for (const [service, count] of Object.entries(counts)) await setDesiredCount(cli, stacks.cluster, service, count);
  await waitForServicesStable(cli, stacks.cluster, Object.keys(counts));
}

interface PointKey {
  readonly n: number;
  readonly mode: PointMode;
  readonly repeat: number;
  readonly probe: boolean;
}

/** One k6 task; its results and point.json in <experiment>/<name>/. */
async function runPoint(experiment: Experiment, point: PointKey, rates: readonly number[], name: string) {
  const { settings, stacks } = experiment;
  const runId = `${experiment.id}-${name}`;
  const localDir = path.join(experiment.dir, name);
  const startedAt = new Date().toISOString();
  const environment = k6Environment(point.mode, rates, settings, stacks.services['ApiUrl'] ?? '');
  const exitCode = await runK6Task(experiment.cli, stacks, { runId, k6Environment: environment, localDir });
  const counts: Record<EcsServiceName, number> = desiredCounts(settings, point.n, ORDER_REQUESTS_PARTITIONS);
  writeJson(path.join(localDir, POINT_FILE), {
    tier: settings.tier,
    mode: point.mode,
    n: point.n,
    repeat: point.repeat,
    probe: point.probe,
    rates,
    k6_exit_code: exitCode,
    run_id: runId,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    desired_counts: counts,
  });
}

/** `npm run perf:report -- --scaling <dir>`, in its own process: the performance-tests package assembles. */
async function assemble(dir: string): Promise<void> {
  const shown = path.relative(REPOSITORY_ROOT, dir);
  step(`assembling the points: npm run perf:report -- --scaling ${shown}`);
  const args = ['--conditions=ecom-source', '--tsconfig', 'performance-tests/tsconfig.json'];
  const report = await run(
    process.execPath,
    [TSX_CLI, ...args, 'performance-tests/report/report.cli.ts', '--scaling', dir],
    { cwd: REPOSITORY_ROOT, inherit: true },
  );
  if (report.code !== 0) {
    throw new Error(
      `the points are in ${shown}/, but assembling them failed (above); ` +
        `once fixed: npm run perf:report -- --scaling ${shown}`,
    );
  }
  step(`done. Scaling summary: ${shown}/summary.json; the report and its plots are beside it (listed above)`);
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
