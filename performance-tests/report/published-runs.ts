/**
 * The summaries committed under docs/performance/runs/<folder>/summary.json (by `npm run
 * perf:publish`), selected by the kind each declares (summary-kinds.ts): the newest capacity,
 * gateway and outbox run; of this machine's scaling runs, the newest of those with the most series
 * (a run of a few series repeats them, it does not replace the whole experiment), and every one
 * beside it; and every load run (the doc picks one per scenario and data set). Folder names start with the run's UTC time stamp, so the newest sorts last; folders
 * without a summary.json (notes, raw sweeps) are not runs and are left out.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { OutboxSummary } from '../outbox/outbox-summary.schema';
import type { ScalingSummary } from '../scaling/scaling-summary.schema';
import type { CapacitySummary } from './capacity-summary.schema';
import type { LoadScenario, LoadSummary } from './load-summary.schema';
import { readGatewaySummaryFile, readKindedSummary } from './summary-kinds';
import type { TolerantGatewaySummary } from './tolerant-gateway-summary';

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
  readonly outbox?: PublishedRun<OutboxSummary>;
  readonly scaling?: PublishedRun<ScalingSummary>;
  /** Every published scaling run of this machine, newest first (`scaling` among them). */
  readonly scalingRuns?: readonly PublishedRun<ScalingSummary>[];
  /** Every published compare, spike and soak run, newest first. */
  readonly load?: readonly PublishedRun<LoadSummary>[];
}

type Newest = Omit<PublishedRuns, 'load' | 'scaling' | 'scalingRuns'>;

export function readPublishedRuns(runsDir = RUNS_DIR): PublishedRuns {
  const folders = existsSync(runsDir)
    ? readdirSync(runsDir)
        .filter((folder) => existsSync(path.join(runsDir, folder, SUMMARY_FILE)))
        .sort()
        .reverse()
    : [];
  const newest: Record<string, PublishedRun<unknown>> = {};
  const load: PublishedRun<LoadSummary>[] = [];
  const scalingRuns: PublishedRun<ScalingSummary>[] = [];
  for (const folder of folders) {
    const read = readKindedSummary(path.join(runsDir, folder, SUMMARY_FILE));
    if (read.kind === 'load') load.push(publishedRun(runsDir, folder, read.summary));
    // The doc's scaling section is this machine's experiment; an ECS one (its folder name sorts
    // after any time stamp) would need a section of its own.
    else if (read.kind === 'scaling') {
      if (read.summary.target === 'local') scalingRuns.push(publishedRun(runsDir, folder, read.summary));
    } else newest[read.kind] ??= publishedRun(runsDir, folder, read.summary);
  }
  const scaling = mostComplete(scalingRuns);
  return { ...(newest as Newest), load, ...(scaling && { scaling, scalingRuns }) };
}

/** The newest of the runs with the most series (`runs` newest first). */
function mostComplete(runs: readonly PublishedRun<ScalingSummary>[]): PublishedRun<ScalingSummary> | undefined {
  return runs.reduce<PublishedRun<ScalingSummary> | undefined>(
    (best, run) => (best && best.summary.series.length >= run.summary.series.length ? best : run),
    undefined,
  );
}

/** The newest published load run of a scenario on a data set. */
export function newestLoadRun(
  runs: PublishedRuns,
  scenario: LoadScenario,
  dataset: string,
): PublishedRun<LoadSummary> | undefined {
  return runs.load?.find(({ summary }) => summary.scenario === scenario && summary.dataset === dataset);
}

/** A perf:gateway results folder's summary.json; throws when it is not one. */
export function readGatewaySummary(dir: string): TolerantGatewaySummary {
  return readGatewaySummaryFile(path.join(dir, SUMMARY_FILE));
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
