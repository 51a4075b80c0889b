/**
 * What every generated section of docs/performance.md says first: which committed run it comes
 * from (linked), the command that repeats it, when it ran, on what, and how busy the machine was.
 */
import { formatDateTime, formatDuration } from './figure-format';
import type { PublishedRun } from './published-runs';
import type { SummaryLoad, SummaryMachine } from './summary-machine';

/** Links are relative to docs/performance.md. */
export const RUNS_LINK = 'performance/runs';

/** The part of a summary the header reads: every kind but perf:gateway's has it. */
export interface RunProvenance {
  readonly command: string;
  readonly started_at: string;
  readonly duration_s: number;
  readonly machine: SummaryMachine;
}

export function describeRun({ folder, summary }: PublishedRun<RunProvenance>): string {
  const { machine } = summary;
  const k6 = machine.k6 ? `, ${machine.k6.startsWith('k6') ? '' : 'k6 '}${machine.k6}` : '';
  return [
    `From [\`${folder}\`](${RUNS_LINK}/${folder}/summary.json): \`${summary.command}\`,`,
    `started ${formatDateTime(summary.started_at)}, ${formatDuration(summary.duration_s)};`,
    `${machine.cpus} CPUs (${machine.cpu_model}), Node ${machine.node}${k6};`,
    `${describeLoad(machine.before, 'before')}; ${describeLoad(machine.after, 'after')}.`,
  ].join('\n');
}

function describeLoad(reading: SummaryLoad | null, when: 'before' | 'after'): string {
  if (!reading) return `load average not recorded ${when} the run`;
  const busy = reading.busy.map((entry) => `${entry.command} ${entry.cpu_percent}%`).join(', ');
  return `load average ${reading.load_average[0]} ${when} the run (busy then: ${busy || 'nothing else'})`;
}

/** A published plot as a Markdown image, or nothing when the run has no such plot. */
export function imageOfPlot(run: PublishedRun<unknown>, name: string, title: string): string[] {
  return run.plots.includes(name) ? [`![${title}](${RUNS_LINK}/${run.folder}/plots/${name}.svg)`] : [];
}

/** The one line a section holds while no run of its kind is published. */
export function describeNotPublished(what: string, command: string, folder = '<folder>'): string {
  return `No ${what} is published yet: \`${command}\`, then \`npm run perf:publish -- performance-tests/results/${folder}\`.`;
}

/** A run's notes as a list, or nothing. */
export function listNotes(title: string, notes: readonly string[]): string[] {
  return notes.length === 0 ? [] : [title, notes.map((note) => `- ${note}`).join('\n')];
}
