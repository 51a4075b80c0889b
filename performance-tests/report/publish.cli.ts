/**
 * Publishes a run's summary into the repository and regenerates the generated sections of
 * docs/performance.md from the committed summaries (doc-sections.ts):
 *
 *   npm run perf:publish -- performance-tests/results/<stamp>-capacity   (summary.json, small plots)
 *   npm run perf:publish -- performance-tests/results/<stamp>-compare    (the same for compare, spike, soak)
 *   npm run perf:publish -- performance-tests/results/<stamp>-outbox     (perf:outbox's summary.json)
 *   npm run perf:publish -- performance-tests/results/<stamp>-gateway    (perf:gateway's summary.json)
 *   npm run perf:publish                                                  (only regenerate the doc)
 *
 * The summary lands in docs/performance/runs/<folder>/, formatted by prettier; a compare run gets
 * its sync-vs-async latency plot drawn from the summary. The doc is then checked by prettier (the
 * generated Markdown is written in its form).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SECTION_NAMES, renderDocSections } from './doc-sections';
import { findGeneratedSections, replaceGeneratedSections } from './generated-sections';
import { publishRun } from './publish-run';
import { PERFORMANCE_DOC, REPOSITORY_ROOT, readPublishedRuns } from './published-runs';

function main(args: readonly string[]): void {
  if (args.length > 1) {
    console.error(
      'usage: npm run perf:publish -- [<results-dir>]   (a capacity, compare, spike, soak, outbox or perf:gateway run)',
    );
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
