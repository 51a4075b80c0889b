/** The report's tables, built once from the result and rendered as Markdown and as HTML alike. */
import {
  ABSENT,
  formatMs,
  formatNumber,
  formatPercent,
  formatRate,
  formatSeconds,
  formatSetting,
  formatVerdict,
} from './figure-format';
import type { RunResult, StepResult } from './result.schema';

export interface Table {
  readonly columns: readonly { readonly title: string; readonly numeric: boolean }[];
  readonly rows: readonly (readonly string[])[];
}

type StepColumn = readonly [title: string, numeric: boolean, cell: (step: StepResult) => string];

const STEP_COLUMNS: readonly StepColumn[] = [
  ['step', false, (step) => step.label],
  ['mode', false, (step) => step.mode],
  ['offered /s', true, (step) => formatRate(step.offeredRps)],
  ['achieved /s', true, (step) => formatRate(step.achievedRps)],
  ['requests', true, (step) => formatNumber(step.requests)],
  ['p50 ms', true, (step) => formatMs(step.latencyMs.p50)],
  ['p95 ms', true, (step) => formatMs(step.latencyMs.p95)],
  ['p99 ms', true, (step) => formatMs(step.latencyMs.p99)],
  ['max ms', true, (step) => formatMs(step.latencyMs.max)],
  ['errors', true, (step) => formatPercent(step.errorRate)],
  ['503', true, (step) => formatPercent(step.rate503)],
];
const REJECTED_COLUMN: StepColumn = ['409 rejected', true, (step) => formatPercent(step.rejectedRate)];
const TAIL_COLUMNS: readonly StepColumn[] = [
  ['dropped', true, (step) => formatNumber(step.droppedIterations)],
  ['e2e p99 ms', true, (step) => formatMs(step.e2eMs?.p99)],
  ['drain s', true, (step) => formatSeconds(step.drainS)],
];
const SLO_COLUMN: StepColumn = [
  'SLO',
  false,
  (step) => (step.sloMet === undefined ? ABSENT : formatSloMet(step.sloMet)),
];

/** One row per step; the 409 and SLO columns only when some step has them. */
export function tabulateSteps(steps: readonly StepResult[]): Table {
  const columns = [
    ...STEP_COLUMNS,
    ...(steps.some((step) => step.rejectedRate !== undefined) ? [REJECTED_COLUMN] : []),
    ...TAIL_COLUMNS,
    ...(steps.some((step) => step.sloMet !== undefined) ? [SLO_COLUMN] : []),
  ];
  return {
    columns: columns.map(([title, numeric]) => ({ title, numeric })),
    rows: steps.map((step) => columns.map(([, , cell]) => cell(step))),
  };
}

export function tabulateGoals(goals: RunResult['goals']): Table {
  return {
    columns: textColumns('goal', 'target', 'measured', 'verdict', 'note'),
    rows: goals.map((goal) => [goal.name, goal.target, goal.measured, formatVerdict(goal.met), goal.note ?? '']),
  };
}

export function tabulateBaselines(baselines: RunResult['baselines']): Table {
  return {
    columns: [...textColumns('baseline', 'what'), { title: 'value', numeric: true }, ...textColumns('ratio')],
    rows: baselines.map((baseline) => [
      baseline.name,
      baseline.description,
      `${formatNumber(baseline.value, Number.isInteger(baseline.value) ? 0 : 2)} ${baseline.unit}`.trim(),
      baseline.ratio ? `${baseline.ratio.value.toFixed(2)}× ${baseline.ratio.to}` : ABSENT,
    ]),
  };
}

export function tabulateCapacity(capacity: NonNullable<RunResult['capacity']>): Table {
  return {
    columns: [...textColumns('mode'), { title: 'capacity /s', numeric: true }, ...textColumns('SLO held')],
    rows: capacity.map((entry) => [entry.mode, formatRate(entry.maxRps), entry.slo]),
  };
}

export function tabulateSettings(settings: RunResult['settings']): Table {
  return {
    columns: textColumns('setting', 'value'),
    rows: Object.entries(settings).map(([name, value]) => [name, formatSetting(value)]),
  };
}

export function describeMachine(machine: RunResult['machine']): string[] {
  return [
    `${machine.cpus} CPUs: ${machine.cpuModel}`,
    `${formatNumber(machine.memoryGiB, Number.isInteger(machine.memoryGiB) ? 0 : 1)} GiB memory`,
    `Node ${machine.node}`,
    ...(machine.k6 ? [`k6 ${machine.k6}`] : []),
    ...(machine.os ? [machine.os] : []),
  ];
}

function textColumns(...titles: string[]): Table['columns'] {
  return titles.map((title) => ({ title, numeric: false }));
}

function formatSloMet(met: boolean): string {
  return met ? '✓ held' : '✗ broken';
}
