/**
 * npm run perf -- <smoke|compare|capacity|spike|soak|scaling> [--dataset contention]
 * npm run perf -- profile <product-service|order-service|order-worker|gateway> [--tool doctor|flame]
 *   (without --tool: doctor on Node < 21.7, flame elsewhere; see profile.scenario.ts)
 *
 * Starts the system on free ports (or uses BASE_URL), seeds it through the API, runs the k6
 * scenario, samples the worker's consumer lag and each service's memory, and writes
 * performance-tests/results/<timestamp>-<scenario>/ with result.json, report.md, report.html,
 * the plots, k6's raw summaries and its dashboard export. Settings: environment variables (see
 * docs/performance.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineLoad, RunResult } from '../report/result.schema';
import { RUN_SUMMARY_FILE, writeRunSummary } from '../report/run-summary';
import { writeReport } from '../report/write-report';
import { writeScalingRun } from '../scaling/scaling-run-output';
import { runScaling, type ScalingOutcome } from '../scaling/scaling.scenario';
import { runCapacity } from './capacity.scenario';
import { k6Version } from './k6';
import { runCompare, runSmoke, runSoak, runSpike } from './load.scenarios';
import { ROOT, startLocalSystem, type LocalSystem } from './local-system';
import { readMachineLoad } from './machine-load';
import { chooseClinicTool, clinicWrapper, runProfile, type ClinicTool } from './profile.scenario';
import { describeCommand, describeMachine } from './result-builder';
import { baseK6Env, type RunContext, type ScenarioOutcome } from './run-context';
import { sampleConsumerLag, sampleMemory, sampleProcesses } from './samplers';

const SCENARIOS = {
  smoke: runSmoke,
  compare: runCompare,
  capacity: runCapacity,
  spike: runSpike,
  soak: runSoak,
  scaling: runScaling,
};
type ScenarioName = keyof typeof SCENARIOS;

interface Arguments {
  readonly scenario: ScenarioName | 'profile';
  readonly service?: string;
  readonly tool: ClinicTool;
  /** Which clinic tool and why, said when profiling. */
  readonly toolChoice: string;
  readonly dataset: string;
}

const say = (line: string) => process.stderr.write(`[perf] ${line}\n`);

function parseArguments(argv: readonly string[]): Arguments {
  const option = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at === -1 ? undefined : argv[at + 1];
  };
  const [scenario, service] = argv.filter((arg, index) => !arg.startsWith('--') && !argv[index - 1]?.startsWith('--'));
  if (scenario !== 'profile' && !(scenario !== undefined && scenario in SCENARIOS)) {
    throw new Error(
      `usage: npm run perf -- <${Object.keys(SCENARIOS).join('|')}> | profile <service> (got ${scenario ?? 'nothing'})`,
    );
  }
  const { tool, reason } = chooseClinicTool(option('tool'));
  return {
    scenario: scenario as Arguments['scenario'],
    service,
    tool,
    toolChoice: reason,
    dataset: option('dataset') ?? process.env['DATASET'] ?? 'default',
  };
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const startedAt = Date.now();
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const dir = path.join(
    ROOT,
    'performance-tests/results',
    `${stamp}-${args.scenario}${args.service ? `-${args.service}` : ''}`,
  );
  mkdirSync(dir, { recursive: true });
  say(`results: ${dir}`);
  const loadBefore = await readMachineLoad();
  say(`load average before: ${loadBefore.loadAverage.join(', ')}${describeBusy(loadBefore)}`);
  const remote = process.env['BASE_URL'];
  const wrap = args.scenario === 'profile' ? clinicWrapper(args.service, args.tool, dir) : undefined;
  if (wrap) say(args.toolChoice);
  const system = remote ? undefined : await startLocalSystem({ dir, say, ...(wrap && { wrap }) });
  // Ctrl-C stops what this run started (by pid), instead of leaving the system running.
  process.once('SIGINT', () => {
    say('interrupted: stopping the system');
    void (system?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
  let samplers: Pick<RunContext, 'lag' | 'memory' | 'processes'> = {};
  try {
    const ctx = { ...(await openContext(dir, startedAt, args, system)), loadBefore };
    samplers = ctx;
    const outcome =
      args.scenario === 'profile'
        ? await runProfile(ctx, args.service!, args.tool)
        : await SCENARIOS[args.scenario](ctx);
    await stopSamplers(ctx);
    if (args.scenario === 'profile') {
      await system?.stop();
      say(`profile written under ${dir}/clinic`);
      return;
    }
    await system?.stop();
    await writeResult(ctx, args.scenario, outcome);
  } finally {
    // A scenario that failed leaves its samplers running: they would keep this process alive.
    await stopSamplers(samplers);
    await system?.stop();
  }
}

async function stopSamplers(samplers: Pick<RunContext, 'lag' | 'memory' | 'processes'>): Promise<void> {
  await samplers.lag?.stop();
  await samplers.memory?.stop();
  await samplers.processes?.stop();
}

async function openContext(
  dir: string,
  startedAt: number,
  args: Arguments,
  system: LocalSystem | undefined,
): Promise<RunContext> {
  const baseUrl = process.env['BASE_URL'] ?? system!.gatewayUrl;
  const k6Env = await baseK6Env(baseUrl, args.dataset, system);
  if (k6Env['API_TOKEN']) say('requests through the gateway carry an admin token (API_TOKEN)');
  const lag = system
    ? await sampleConsumerLag(system.brokers, system.workerGroup, system.topics.requests, startedAt)
    : undefined;
  const memory = system ? sampleMemory(() => system.services, startedAt) : undefined;
  const processes = system
    ? sampleProcesses(
        () => system.services.map(({ name, url, process }) => ({ name, url, pid: process.pid })),
        startedAt,
      )
    : undefined;
  return {
    dir,
    say,
    startedAt,
    baseUrl,
    k6Env,
    k6Runs: [],
    workerPaused: false,
    warmUps: [],
    ...(system && { system }),
    ...(processes && { processes }),
    ...(lag && { lag }),
    ...(memory && { memory }),
  };
}

async function writeResult(
  ctx: RunContext,
  scenario: ScenarioName,
  outcome: ScenarioOutcome & { scaling?: ScalingOutcome },
): Promise<void> {
  const main = ctx.k6Runs.find((name) => name === scenario) ?? ctx.k6Runs[0];
  const throughput = (ctx.lag?.points ?? []).filter((p) => p.series === 'worker consumed/s');
  const loadAfter = await readMachineLoad();
  say(`load average after: ${loadAfter.loadAverage.join(', ')}${describeBusy(loadAfter)}`);
  const result: RunResult = {
    scenario,
    startedAt: new Date(ctx.startedAt).toISOString(),
    finishedAt: new Date().toISOString(),
    baseUrl: ctx.baseUrl,
    machine: {
      ...describeMachine(await k6Version()),
      ...(ctx.loadBefore && { loadBefore: ctx.loadBefore }),
      loadAfter,
    },
    command: describeCommand(process.argv.slice(2)),
    settings: {
      ...outcome.settings,
      dataset: ctx.k6Env['DATASET'],
      target: ctx.system ? 'local system started by the runner' : ctx.baseUrl,
    },
    steps: outcome.steps,
    series: {
      lag: (ctx.lag?.points ?? []).filter((p) => p.series !== 'worker consumed/s'),
      memory: ctx.memory?.points ?? [],
      throughput,
      ...(ctx.processes && {
        cpu: ctx.processes.points.filter((p) => p.series.endsWith(' CPU %')),
        eventLoopLag: ctx.processes.points.filter((p) => p.series.endsWith(' event-loop p99 ms')),
      }),
    },
    ...(ctx.warmUps.length > 0 && { warmUps: ctx.warmUps }),
    ...(outcome.capacity && { capacity: outcome.capacity }),
    baselines: outcome.baselines ?? [],
    ...(outcome.syncBurst && { syncBurst: outcome.syncBurst }),
    goals: outcome.goals ?? [],
    notes: outcome.notes ?? [],
    files: {
      ...(main && { k6Summary: `${main}.k6-steps.raw.json` }),
      ...(main &&
        ctx.k6Runs.includes(scenario) &&
        scenario !== 'smoke' && { k6Dashboard: `${main}.k6-dashboard.html` }),
    },
  };
  writeFileSync(path.join(ctx.dir, 'result.json'), JSON.stringify(result, null, 2));
  const report = writeReport(ctx.dir, result);
  say(`wrote result.json, report.md, report.html and ${report.plots.length} plots in ${ctx.dir}`);
  if (outcome.scaling) return writeScalingRun(ctx, result, outcome.scaling);
  const summary = writeRunSummary(ctx.dir, result);
  if (summary) {
    say(`wrote ${RUN_SUMMARY_FILE}; publish it with: npm run perf:publish -- ${path.relative(ROOT, ctx.dir)}`);
    if (summary.kind === 'capacity')
      for (const goal of summary.goals)
        say(`goal: ${goal.figure}: ${goal.measured} (goal ${goal.goal}) → ${goal.verdict}`);
  }
}

function describeBusy(load: MachineLoad): string {
  return load.busy.length === 0
    ? ''
    : `; busy: ${load.busy.map((entry) => `${entry.command} (${entry.cpuPercent}%)`).join(', ')}`;
}

main().catch((error: unknown) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
