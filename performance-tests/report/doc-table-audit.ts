/**
 * Finds the Markdown tables of a document that hold figures (a digit in a body cell) outside its
 * generated sections: in docs/performance.md, every such table is a figure typed by hand, unless
 * it is named as holding no measurement (e.g. the table of scenarios and their settings).
 */

export interface DocTable {
  /** 1-based line of the table's header row. */
  readonly line: number;
  /** The header row's cells, trimmed. */
  readonly header: readonly string[];
}

const GENERATED = /<!-- generated:([\w-]+) (begin|end) -->/;

/**
 * Tables with a digit in a body cell, outside `<!-- generated:… -->` markers, whose header's first
 * cell is not in `allowed` (tables known to hold settings, not measurements).
 */
export function findHandTypedFigureTables(doc: string, allowed: readonly string[]): DocTable[] {
  return findTables(doc)
    .filter((table) => !table.generated && table.hasDigits && !allowed.includes(table.header[0] ?? ''))
    .map(({ line, header }) => ({ line, header }));
}

interface FoundTable extends DocTable {
  readonly generated: boolean;
  readonly hasDigits: boolean;
}

function findTables(doc: string): FoundTable[] {
  const lines = doc.split('\n');
  const tables: FoundTable[] = [];
  let inside = false;
  let fence = false;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const marker = GENERATED.exec(line);
    if (marker) inside = marker[2] === 'begin';
    if (fence || !isRow(line) || !isRule(lines[index + 1] ?? '') || isRow(lines[index - 1] ?? '')) continue;
    const body = bodyRows(lines, index + 2);
    tables.push({
      line: index + 1,
      header: cellsOf(line),
      generated: inside,
      hasDigits: body.some((row) => cellsOf(row).some((cell) => /\d/.test(cell))),
    });
  }
  return tables;
}

function bodyRows(lines: readonly string[], from: number): string[] {
  const rows: string[] = [];
  for (let index = from; index < lines.length && isRow(lines[index]!); index += 1) rows.push(lines[index]!);
  return rows;
}

function isRow(line: string): boolean {
  return /^\s*\|.*\|\s*$/.test(line);
}

function isRule(line: string): boolean {
  return isRow(line) && cellsOf(line).every((cell) => /^:?-{3,}:?$/.test(cell));
}

function cellsOf(row: string): string[] {
  return row
    .trim()
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}
