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
import type { Baseline, MachineLoad, RunResult, StepResult, SyncBurst } from './result.schema';

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

/** The baselines of a result, or of a published summary (where an absent ratio is null). */
export function tabulateBaselines(
  baselines: readonly (Omit<Baseline, 'ratio'> & { readonly ratio?: Baseline['ratio'] | null })[],
): Table {
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

export function tabulateCapacity(capacity: readonly { mode: string; maxRps: number; slo: string }[]): Table {
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
    ...(machine.k6 ? [machine.k6.startsWith('k6') ? machine.k6 : `k6 ${machine.k6}`] : []),
    ...(machine.os ? [machine.os] : []),
    ...(machine.loadBefore ? [`before the run: ${describeLoad(machine.loadBefore)}`] : []),
    ...(machine.loadAfter ? [`after the run: ${describeLoad(machine.loadAfter)}`] : []),
  ];
}

function describeLoad(load: MachineLoad): string {
  const busy = load.busy.map((entry) => `${entry.command} ${entry.cpuPercent}%`).join(', ');
  return `load average ${load.loadAverage.join(' / ')}; busy: ${busy || 'nothing'}`;
}

/** What a burst table needs: a result's bursts, or a published summary's. */
export type BurstFigures = Pick<SyncBurst, 'withinMs'> & {
  readonly rounds: readonly Omit<SyncBurst['rounds'][number], 'connections'>[];
};

/** One row per burst of sync orders, then their total. */
export function tabulateBursts(burst: BurstFigures): Table {
  const share = (created: number, sent: number) => (sent === 0 ? ABSENT : formatPercent(created / sent));
  const [sent, created] = [
    burst.rounds.reduce((sum, round) => sum + round.sent, 0),
    burst.rounds.reduce((sum, round) => sum + round.createdWithin, 0),
  ];
  return {
    columns: [
      ...textColumns('burst'),
      ...['sent', `201 within ${burst.withinMs} ms`, 'share'].map((title) => ({ title, numeric: true })),
      ...textColumns('statuses'),
      ...['p50 ms', 'p99 ms', 'max ms', 'all sent within ms'].map((title) => ({ title, numeric: true })),
    ],
    rows: [
      ...burst.rounds.map((round, index) => [
        String(index + 1),
        formatNumber(round.sent),
        formatNumber(round.createdWithin),
        share(round.createdWithin, round.sent),
        Object.entries(round.statuses)
          .map(([status, count]) => `${count} × ${status === '0' ? 'no answer' : status}`)
          .join(', '),
        formatMs(round.latencyMs.p50),
        formatMs(round.latencyMs.p99),
        formatMs(round.latencyMs.max),
        formatMs(round.sendSpreadMs),
      ]),
      ['total', formatNumber(sent), formatNumber(created), share(created, sent), '', '', '', '', ''],
    ],
  };
}

export function textColumns(...titles: string[]): Table['columns'] {
  return titles.map((title) => ({ title, numeric: false }));
}

function formatSloMet(met: boolean): string {
  return met ? '✓ held' : '✗ broken';
}
