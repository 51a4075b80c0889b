/** report.md: the report's blocks as GitHub-flavoured Markdown, plots linked as `plots/<name>.svg`. */
import type { Block, Link } from './report-document';
import type { Table } from './report-tables';

export function renderMarkdown(blocks: readonly Block[]): string {
  return `${blocks.map(renderBlock).join('\n\n')}\n`;
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${block.text}`;
    case 'paragraph':
      return block.text;
    case 'list':
      return block.items.map((item) => `- ${item}`).join('\n');
    case 'table':
      return renderTable(block.table);
    case 'plot':
      return `![${escapeText(block.plot.title)}](plots/${block.plot.name}.svg)`;
    case 'links':
      return block.links.map(renderLink).join('\n');
  }
}

/** Columns padded to one width so the table also reads as plain text; numbers right-aligned. */
export function renderTable(table: Table): string {
  const cells = [table.columns.map((column) => column.title), ...table.rows].map((row) => row.map(escapeCell));
  const widths = table.columns.map((_, index) => Math.max(3, ...cells.map((row) => row[index]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    `| ${row
      .map((cell, index) =>
        table.columns[index]?.numeric ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
      )
      .join(' | ')} |`;
  const rule = `| ${widths.map((width, index) => (table.columns[index]?.numeric ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  const [header = [], ...rows] = cells;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function renderLink(link: Link): string {
  return link.href === undefined
    ? `- ${escapeText(link.text)}`
    : `- [${escapeText(link.text)}](${encodeURI(link.href)})`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');
}

function escapeText(text: string): string {
  return text.replaceAll(/[[\]]/g, (bracket) => `\\${bracket}`);
}
