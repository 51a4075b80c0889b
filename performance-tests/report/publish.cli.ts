/**
 * Publishes a run's summary into the repository and regenerates the generated sections of
 * docs/performance.md from the committed summaries (doc-sections.ts):
 *
 *   npm run perf:publish -- performance-tests/results/<stamp>-capacity   (summary.json, small plots)
 *   npm run perf:publish -- performance-tests/results/<stamp>-gateway    (perf:gateway's summary.json)
 *   npm run perf:publish                                                  (only regenerate the doc)
 *
 * The summary lands in docs/performance/runs/<folder>/, formatted by prettier; the doc is then checked
 * by prettier (the generated Markdown is written in its form).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { capacitySummarySchema } from './capacity-summary.schema';
import { CAPACITY_SUMMARY_FILE, summarizeCapacityRun } from './capacity-summary';
import { SECTION_NAMES, renderDocSections } from './doc-sections';
import { findGeneratedSections, replaceGeneratedSections } from './generated-sections';
import {
  GATEWAY_SUFFIX,
  PERFORMANCE_DOC,
  REPOSITORY_ROOT,
  RUNS_DIR,
  SUMMARY_FILE,
  readGatewaySummary,
  readPublishedRuns,
} from './published-runs';
import { RESULT_FILE, readRunResult } from './result.schema';

/** Plots larger than this stay in the results folder. */
const MAX_PLOT_BYTES = 100_000;

function main(args: readonly string[]): void {
  if (args.length > 1) {
    console.error('usage: npm run perf:publish -- [<results-dir>]   (a capacity run or a perf:gateway RESULTS_DIR)');
    process.exitCode = 2;
    return;
  }
  const written = args[0] === undefined ? [] : publishRun(path.resolve(args[0]));
  const json = written.filter((file) => file.endsWith('.json'));
  if (json.length > 0) runPrettier(['--write', ...json]);
  const doc = regenerateDoc();
  for (const file of [...written, doc]) console.log(`wrote ${path.relative(REPOSITORY_ROOT, file)}`);
  // The generated Markdown is meant to be in prettier's form already; say so at once if it is not.
  runPrettier(['--check', doc]);
}

/** Copies the run's summary (and a capacity run's small plots) under docs/performance/runs/; returns the files written. */
function publishRun(resultsDir: string): string[] {
  const folder = path.basename(resultsDir);
  const summaryFile = path.join(resultsDir, SUMMARY_FILE);
  if (isCapacityRun(resultsDir)) {
    const summary = existsSync(summaryFile)
      ? capacitySummarySchema.parse(JSON.parse(readFileSync(summaryFile, 'utf8')))
      : summarizeCapacityRun(readRunResult(resultsDir), folder);
    const target = path.join(RUNS_DIR, folder);
    mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, CAPACITY_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
    return [
      path.join(target, CAPACITY_SUMMARY_FILE),
      ...copySmallPlots(path.join(resultsDir, 'plots'), path.join(target, 'plots')),
    ];
  }
  readGatewaySummary(resultsDir); // refuses a file that is not one
  const target = path.join(RUNS_DIR, folder.endsWith(GATEWAY_SUFFIX) ? folder : `${folder}${GATEWAY_SUFFIX}`);
  mkdirSync(target, { recursive: true });
  copyFileSync(summaryFile, path.join(target, SUMMARY_FILE));
  return [path.join(target, SUMMARY_FILE)];
}

/** A capacity run: its summary.json says so, or (older runs) its result.json does. */
function isCapacityRun(resultsDir: string): boolean {
  const summaryFile = path.join(resultsDir, SUMMARY_FILE);
  if (existsSync(summaryFile))
    return (JSON.parse(readFileSync(summaryFile, 'utf8')) as { kind?: unknown }).kind === 'capacity';
  if (!existsSync(path.join(resultsDir, RESULT_FILE)))
    throw new Error(`${resultsDir} holds neither ${SUMMARY_FILE} nor ${RESULT_FILE}`);
  return readRunResult(resultsDir).scenario === 'capacity';
}

function copySmallPlots(from: string, to: string): string[] {
  if (!existsSync(from)) return [];
  const plots = readdirSync(from).filter(
    (file) => file.endsWith('.svg') && statSync(path.join(from, file)).size <= MAX_PLOT_BYTES,
  );
  mkdirSync(to, { recursive: true });
  for (const file of plots) copyFileSync(path.join(from, file), path.join(to, file));
  return plots.map((file) => path.join(to, file));
}

/** Rewrites docs/performance.md's generated sections from the committed summaries; returns its path. */
function regenerateDoc(): string {
  const doc = readFileSync(PERFORMANCE_DOC, 'utf8');
  const present = findGeneratedSections(doc, SECTION_NAMES);
  writeFileSync(PERFORMANCE_DOC, replaceGeneratedSections(doc, renderDocSections(readPublishedRuns())));
  console.log(`regenerated ${present.length ? present.join(', ') : 'no section (the doc has no markers)'}`);
  return PERFORMANCE_DOC;
}

/** prettier with `args` (--write: the committed JSON passes `prettier --check` as it is). */
function runPrettier(args: readonly string[]): void {
  const prettier = path.join(REPOSITORY_ROOT, 'node_modules', '.bin', 'prettier');
  const run = spawnSync(prettier, ['--log-level', 'warn', ...args], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`prettier ${args[0]} failed: ${run.stderr || run.stdout}`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
