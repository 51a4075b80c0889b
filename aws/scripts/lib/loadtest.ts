/**
 * `npm run aws -- loadtest`: the k6 suite as an ECS task against the public load balancer.
 *
 * - Without --tier: one run of a scenario at the instance counts as deployed, its results copied
 *   to <results-dir>/<run-id>/.
 * - With --tier: a scaling experiment (scaling-experiment.ts): one tier at 1, 2, 4, 8 … instances
 *   while the others are over-provisioned, a capacity ladder per point, repeated, then assembled
 *   into a scaling summary and its report.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PrerequisiteError, connect } from './aws-cli';
import { describeStack } from './cloudformation';
import { readLoadTestStacks, runK6Task, timestamp } from './k6-task';
import { runScalingExperiment, type ExperimentRequest } from './scaling-experiment';
import { K6_ENTRY_POINT, K6_SUITE_DIR, REPOSITORY_ROOT, stackName, type K6Scenario } from './stacks';

export const DEFAULT_RESULTS_DIR = path.join(REPOSITORY_ROOT, 'performance-tests/results/aws');

export interface LoadTestOptions {
  readonly environment: string;
  readonly region?: string;
  /** The scenario of a single run (ignored by an experiment, whose points run `capacity`). */
  readonly scenario: K6Scenario;
  /** Where results go: <resultsDir>/<run-id>/ or <resultsDir>/<experiment-id>/. */
  readonly resultsDir: string;
  /** A scaling experiment instead of a single run. */
  readonly experiment?: ExperimentRequest;
}

export async function loadTest(options: LoadTestOptions): Promise<void> {
  if (!existsSync(path.join(REPOSITORY_ROOT, K6_SUITE_DIR, K6_ENTRY_POINT))) {
    throw new PrerequisiteError(`The k6 suite is missing: ${K6_SUITE_DIR}/${K6_ENTRY_POINT} does not exist.`);
  }
  const { cli } = await connect(options.region);
  const { environment } = options;
  const stacks = await readLoadTestStacks(cli, environment);
  if (options.experiment === undefined) {
    const runId = `${options.scenario}-as-deployed-${timestamp()}`;
    const k6Environment = { SCENARIO: options.scenario, BASE_URL: stacks.services['ApiUrl'] ?? '' };
    await runK6Task(cli, stacks, { runId, k6Environment, localDir: path.join(options.resultsDir, runId) });
    return;
  }
  if (await describeStack(cli, stackName(environment, 'scaling'))) {
    throw new PrerequisiteError(
      `The scaling stack ${stackName(environment, 'scaling')} would move the instance counts during the runs.\n` +
        'Remove it first (`npm run aws -- teardown --only scaling --yes`), or run without --tier.',
    );
  }
  await runScalingExperiment(cli, stacks, options.experiment, options.resultsDir);
}
