/**
 * npm run perf:diff <run-a> <run-b>
 *
 * What changed between two runs of the same kind (results folders or published folders under
 * docs/performance/runs/): every figure of both, per mode or step, with the ratio b / a, as a
 * table. Reads each folder's summary.json, or its result.json when it has none.
 */
import path from 'node:path';
import { renderTable } from './markdown-render';
import { diffRunDirs } from './run-diff';

function main(args: readonly string[]): void {
  if (args.length !== 2) {
    console.error('usage: npm run perf:diff -- <run-a> <run-b>   (two results or published folders of one kind)');
    process.exitCode = 2;
    return;
  }
  const diff = diffRunDirs(path.resolve(args[0]!), path.resolve(args[1]!));
  console.log([...diff.header, '', renderTable(diff.table)].join('\n'));
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
