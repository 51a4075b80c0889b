/**
 * What changed between two runs of the same kind: every figure of each (run-figures.ts) side by
 * side, with the ratio b / a. Runs of different kinds (or load runs of different scenarios) are
 * refused: their figures do not mean the same thing.
 */
import path from 'node:path';
import { formatNumber } from './figure-format';
import type { Table } from './report-tables';
import { figuresOf } from './run-figures';
import { readRunDirSummary } from './run-dir-summary';
import type { KindedSummary } from './summary-kinds';

export class RunDiffError extends Error {
  override readonly name = 'RunDiffError';
}

export interface RunDiff {
  /** One line per run: its folder, kind and command. */
  readonly header: readonly string[];
  readonly table: Table;
}

/** Reads both run folders (summary.json, else result.json) and sets their figures side by side. */
export function diffRunDirs(dirA: string, dirB: string): RunDiff {
  return diffRuns(
    { name: path.basename(dirA), read: readRunDirSummary(dirA) },
    { name: path.basename(dirB), read: readRunDirSummary(dirB) },
  );
}

interface NamedRun {
  readonly name: string;
  readonly read: KindedSummary;
}

export function diffRuns(a: NamedRun, b: NamedRun): RunDiff {
  assertComparable(a, b);
  const figuresB = new Map(figuresOf(b.read).map((row) => [`${row.group}\u0000${row.figure}`, row.value]));
  const seen = new Set<string>();
  const rows = figuresOf(a.read).map((row) => {
    const key = `${row.group}\u0000${row.figure}`;
    seen.add(key);
    return [row.group, row.figure, row.value, figuresB.has(key) ? figuresB.get(key)! : null] as const;
  });
  const onlyB = figuresOf(b.read)
    .filter((row) => !seen.has(`${row.group}\u0000${row.figure}`))
    .map((row) => [row.group, row.figure, null, row.value] as const);
  return {
    header: [describeSide('a', a), describeSide('b', b)],
    table: {
      columns: [
        { title: 'mode / step', numeric: false },
        { title: 'figure', numeric: false },
        { title: 'a', numeric: true },
        { title: 'b', numeric: true },
        { title: 'b / a', numeric: true },
      ],
      rows: [...rows, ...onlyB]
        .filter(([, , valueA, valueB]) => valueA !== null || valueB !== null)
        .map(([group, figure, valueA, valueB]) => [
          group,
          figure,
          formatValue(valueA),
          formatValue(valueB),
          formatRatio(valueA, valueB),
        ]),
    },
  };
}

function assertComparable(a: NamedRun, b: NamedRun): void {
  if (a.read.kind !== b.read.kind)
    throw new RunDiffError(
      `${a.name} is a ${a.read.kind} run and ${b.name} a ${b.read.kind} run: perf:diff compares two runs of the same kind`,
    );
  if (a.read.kind === 'load' && b.read.kind === 'load' && a.read.summary.scenario !== b.read.summary.scenario)
    throw new RunDiffError(
      `${a.name} is a ${a.read.summary.scenario} run and ${b.name} a ${b.read.summary.scenario} run: perf:diff compares two runs of the same scenario`,
    );
}

function describeSide(side: 'a' | 'b', { name, read }: NamedRun): string {
  const { summary } = read;
  const command = 'command' in summary && summary.command ? `: ${summary.command}` : '';
  const kind =
    read.kind === 'load' ? `${read.summary.scenario} run, ${read.summary.dataset} data set` : `${read.kind} run`;
  return `${side} = ${name} (${kind})${command}`;
}

export function formatValue(value: number | null): string {
  if (value === null) return '—';
  return formatNumber(value, Number.isInteger(value) ? 0 : Math.abs(value) < 10 ? 2 : 1);
}

/** b / a, e.g. '1.25×'; '—' when either is missing or only a is 0; '=' when both are 0. */
export function formatRatio(a: number | null, b: number | null): string {
  if (a === null || b === null) return '—';
  if (a === 0) return b === 0 ? '=' : '—';
  return `${(b / a).toFixed(2)}×`;
}
