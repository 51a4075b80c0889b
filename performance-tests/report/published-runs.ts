/**
 * The summaries committed under docs/performance/runs/<folder>/summary.json (by `npm run
 * perf:publish`): capacity runs in `<stamp>-capacity` folders, gateway benchmarks in
 * `<stamp>-gateway` ones. The newest of each kind is the one the docs show; folder names start
 * with the run's UTC time stamp, so the newest sorts last.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readCapacitySummary, type CapacitySummary } from './capacity-summary.schema';
import { tolerantGatewaySummarySchema, type TolerantGatewaySummary } from './tolerant-gateway-summary';

export const REPOSITORY_ROOT = path.join(__dirname, '..', '..');
export const PERFORMANCE_DOC = path.join(REPOSITORY_ROOT, 'docs', 'performance.md');
export const RUNS_DIR = path.join(REPOSITORY_ROOT, 'docs', 'performance', 'runs');
export const SUMMARY_FILE = 'summary.json';
export const GATEWAY_SUFFIX = '-gateway';

export interface PublishedRun<Summary> {
  readonly folder: string;
  readonly summary: Summary;
  /** Plot files published beside the summary (`plots/<name>.svg`), by name without extension. */
  readonly plots: readonly string[];
}

export interface PublishedRuns {
  readonly capacity?: PublishedRun<CapacitySummary>;
  readonly gateway?: PublishedRun<TolerantGatewaySummary>;
}

export function readPublishedRuns(runsDir = RUNS_DIR): PublishedRuns {
  const folders = existsSync(runsDir)
    ? readdirSync(runsDir)
        .filter((folder) => existsSync(path.join(runsDir, folder, SUMMARY_FILE)))
        .sort()
        .reverse()
    : [];
  const capacity = folders.find((folder) => !folder.endsWith(GATEWAY_SUFFIX));
  const gateway = folders.find((folder) => folder.endsWith(GATEWAY_SUFFIX));
  return {
    ...(capacity && {
      capacity: publishedRun(runsDir, capacity, readCapacitySummary(path.join(runsDir, capacity, SUMMARY_FILE))),
    }),
    ...(gateway && { gateway: publishedRun(runsDir, gateway, readGatewaySummary(path.join(runsDir, gateway))) }),
  };
}

export function readGatewaySummary(dir: string): TolerantGatewaySummary {
  const file = path.join(dir, SUMMARY_FILE);
  const parsed = tolerantGatewaySummarySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a gateway benchmark summary: ${parsed.error.message}`);
  return parsed.data;
}

function publishedRun<Summary>(runsDir: string, folder: string, summary: Summary): PublishedRun<Summary> {
  const plotsDir = path.join(runsDir, folder, 'plots');
  const plots = existsSync(plotsDir)
    ? readdirSync(plotsDir)
        .filter((file) => file.endsWith('.svg'))
        .map((file) => file.slice(0, -'.svg'.length))
        .sort()
    : [];
  return { folder, summary, plots };
}
