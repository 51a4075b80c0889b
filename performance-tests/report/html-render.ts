/**
 * report.html: the same blocks as report.md in one self-contained page. Plots are inlined as SVG,
 * the style sheet is inline, and the page's Content-Security-Policy forbids loading anything, so
 * it opens the same offline, from a CI artefact or from an e-mail.
 */
import type { Block, Link } from './report-document';
import type { Table } from './report-tables';

const STYLE = `
body { font: 15px/1.5 -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6em; border-bottom: 1px solid #d0d7de; padding-bottom: 0.3em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2em; }
table { border-collapse: collapse; font-size: 13px; display: block; overflow-x: auto; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; white-space: nowrap; }
th { background: #f6f8fa; }
td.numeric, th.numeric { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #f9fafb; }
code { background: #eff1f3; border-radius: 4px; padding: 0.1em 0.3em; font-size: 0.9em; }
figure { margin: 1.5em 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
figcaption { color: #59636e; font-size: 13px; }
`;

/** Nothing may be fetched: no script, no remote style, font or image. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function renderHtml(blocks: readonly Block[], title: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...blocks.map(renderBlock),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${renderInline(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${renderInline(block.text)}</p>`;
    case 'list':
      return `<ul>\n${block.items.map((item) => `<li>${renderInline(item)}</li>`).join('\n')}\n</ul>`;
    case 'table':
      return renderTable(block.table);
    case 'plot':
      return [
        `<figure id="plot-${escapeHtml(block.plot.name)}">`,
        block.plot.svg,
        `<figcaption>${escapeHtml(block.plot.title)} (<a href="plots/${escapeHtml(block.plot.name)}.svg">SVG file</a>)</figcaption>`,
        '</figure>',
      ].join('\n');
    case 'links':
      return `<ul>\n${block.links.map(renderLink).join('\n')}\n</ul>`;
  }
}

function renderTable(table: Table): string {
  const cell = (tag: 'th' | 'td', text: string, numeric: boolean | undefined) =>
    `<${tag}${numeric ? ' class="numeric"' : ''}>${renderInline(text)}</${tag}>`;
  const header = table.columns.map((column) => cell('th', column.title, column.numeric)).join('');
  const rows = table.rows.map(
    (row) => `<tr>${row.map((text, index) => cell('td', text, table.columns[index]?.numeric)).join('')}</tr>`,
  );
  return `<table>\n<thead><tr>${header}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function renderLink(link: Link): string {
  const text = escapeHtml(link.text);
  return link.href === undefined
    ? `<li>${text}</li>`
    : `<li><a href="${escapeHtml(encodeURI(link.href))}">${text}</a></li>`;
}

/** Escaped text in which `code` spans become <code>. */
function renderInline(text: string): string {
  return escapeHtml(text).replaceAll(/`([^`]+)`/g, '<code>$1</code>');
}

function escapeHtml(text: string): string {
  return text.replaceAll(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
