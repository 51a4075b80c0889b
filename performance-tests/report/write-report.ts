/**
 * Writes the report of one run into its result folder, next to result.json:
 *   report.md           tables and the plots as images (plots/<name>.svg)
 *   report.html         the same, self-contained: plots inlined, nothing fetched when opened
 *   plots/<name>.svg    each plot as a standalone file (for docs/performance.md)
 * Synchronous and quick (a few hundred milliseconds, most of it loading ECharts once).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderHtml } from './html-render';
import { renderMarkdown } from './markdown-render';
import { PLOT_BUILDERS, type Plot, buildPlots } from './plots';
import { buildReportDocument, titleOfReport } from './report-document';
import { type RunResult, parseRunResult } from './result.schema';

export const REPORT_MARKDOWN = 'report.md';
export const REPORT_HTML = 'report.html';
export const PLOTS_DIR = 'plots';

export interface WrittenReport {
  readonly markdown: string;
  readonly html: string;
  /** Absolute paths of the SVG files written. */
  readonly plots: string[];
}

/**
 * Validates the result (an invalid one throws InvalidRunResultError before anything is written),
 * renders the plots it has data for and writes report.md, report.html and plots/*.svg.
 */
export function writeReport(resultDir: string, result: RunResult): WrittenReport {
  const valid = parseRunResult(result, `the result for ${resultDir}`);
  const plots = buildPlots(valid);
  const blocks = buildReportDocument(valid, plots);
  const markdown = renderMarkdown(blocks);
  const html = renderHtml(blocks, titleOfReport(valid));
  const plotFiles = writePlots(resolve(resultDir, PLOTS_DIR), plots);
  writeFileSync(join(resultDir, REPORT_MARKDOWN), markdown);
  writeFileSync(join(resultDir, REPORT_HTML), html);
  return { markdown, html, plots: plotFiles };
}

/** Writes each plot and removes the file of a plot this result no longer has (after a regeneration). */
function writePlots(plotsDir: string, plots: readonly Plot[]): string[] {
  mkdirSync(plotsDir, { recursive: true });
  const written = new Set(plots.map((plot) => plot.name));
  for (const { name } of PLOT_BUILDERS) {
    if (!written.has(name)) rmSync(join(plotsDir, `${name}.svg`), { force: true });
  }
  return plots.map((plot) => {
    const file = join(plotsDir, `${plot.name}.svg`);
    writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${plot.svg}\n`);
    return file;
  });
}
