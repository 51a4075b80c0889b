/**
 * `npm run aws -- loadtest`: runs the k6 suite as an ECS task against the public load balancer,
 * once per instance count asked for (e.g. 1,2,4,8 for the sync-vs-async comparison), and copies
 * each run's results from S3 to performance-tests/results/aws/<run-id>/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PrerequisiteError, connect, step, type AwsCli } from './aws-cli';
import { describeStack, stackOutputs } from './cloudformation';
import { runTaskToCompletion, setDesiredCount, waitForServicesStable } from './ecs';
import {
  HTTP_SERVICES,
  K6_ENTRY_POINT,
  K6_SUITE_DIR,
  MAX_USEFUL_WORKERS,
  REPOSITORY_ROOT,
  WORKER_SERVICE,
  stackName,
  type K6Scenario,
} from './stacks';

export interface LoadTestOptions {
  readonly environment: string;
  readonly region?: string;
  readonly scenario: K6Scenario;
  /** Instance counts to measure at, in order; empty: as deployed now. */
  readonly instanceCounts: readonly number[];
}

export async function loadTest(options: LoadTestOptions): Promise<void> {
  const suite = path.join(REPOSITORY_ROOT, K6_SUITE_DIR);
  if (!existsSync(path.join(suite, K6_ENTRY_POINT))) {
    throw new PrerequisiteError(`The k6 suite is missing: ${K6_SUITE_DIR}/${K6_ENTRY_POINT} does not exist.`);
  }
  const { cli } = await connect(options.region);
  const { environment } = options;
  const services = await stackOutputs(cli, environment, 'services');
  const network = await stackOutputs(cli, environment, 'network');
  const loadtest = await stackOutputs(cli, environment, 'loadtest');
  const cluster = services['ClusterName'] ?? '';
  if (options.instanceCounts.length > 0 && (await describeStack(cli, stackName(environment, 'scaling')))) {
    throw new PrerequisiteError(
      `The scaling stack ${stackName(environment, 'scaling')} would move the instance counts during the runs.\n` +
        'Remove it first (`npm run aws -- teardown --only scaling --yes`), or run without --instances.',
    );
  }

  const counts = options.instanceCounts.length > 0 ? options.instanceCounts : [undefined];
  for (const count of counts) {
    if (count !== undefined) await scaleTo(cli, cluster, count);
    const runId = `${options.scenario}-${count === undefined ? 'as-deployed' : `${count}x`}-${timestamp()}`;
    await runOnce(cli, { runId, scenario: options.scenario, cluster, services, network, loadtest, suite });
  }
}

async function scaleTo(cli: AwsCli, cluster: string, count: number): Promise<void> {
  const workers = Math.min(count, MAX_USEFUL_WORKERS);
  step(`setting ${HTTP_SERVICES.join(', ')} to ${count} instance(s) each and ${WORKER_SERVICE} to ${workers}`);
  for (const service of HTTP_SERVICES) await setDesiredCount(cli, cluster, service, count);
  await setDesiredCount(cli, cluster, WORKER_SERVICE, workers);
  await waitForServicesStable(cli, cluster, [...HTTP_SERVICES, WORKER_SERVICE]);
}

interface Run {
  readonly runId: string;
  readonly scenario: K6Scenario;
  readonly cluster: string;
  readonly suite: string;
  readonly services: Record<string, string>;
  readonly network: Record<string, string>;
  readonly loadtest: Record<string, string>;
}

async function runOnce(cli: AwsCli, run: Run): Promise<void> {
  const bucket = run.loadtest['ResultsBucketName'] ?? '';
  const prefix = `s3://${bucket}/runs/${run.runId}`;
  const baseUrl = run.services['ApiUrl'] ?? '';
  step(`run ${run.runId}: uploading ${K6_SUITE_DIR}/ to ${prefix}/scripts/`);
  await cli.text(['s3', 'cp', '--recursive', '--only-show-errors', run.suite, `${prefix}/scripts/`]);

  step(`run ${run.runId}: k6 scenario "${run.scenario}" against ${baseUrl} (an ECS task; this waits until it ends)`);
  const exitCodes = await runTaskToCompletion(
    cli,
    run.cluster,
    run.loadtest['LoadTestTaskDefinition'] ?? '',
    { subnets: run.network['PrivateSubnetIds'] ?? '', securityGroup: run.network['LoadTestSecurityGroupId'] ?? '' },
    [
      { name: 'fetch-scripts', environment: { RUN_ID: run.runId } },
      { name: 'k6', environment: { SCENARIO: run.scenario, BASE_URL: baseUrl } },
      { name: 'upload-results', environment: { RUN_ID: run.runId } },
    ],
    15,
  );

  const local = path.join(REPOSITORY_ROOT, 'performance-tests/results/aws', run.runId);
  step(`run ${run.runId}: copying ${prefix}/results/ to ${path.relative(REPOSITORY_ROOT, local)}/`);
  await cli.text(['s3', 'cp', '--recursive', '--only-show-errors', `${prefix}/results/`, local]);
  const k6 = exitCodes['k6'];
  if (exitCodes['fetch-scripts'] !== 0 || exitCodes['upload-results'] !== 0 || k6 === undefined) {
    throw new Error(
      `run ${run.runId} did not complete: exit codes ${JSON.stringify(exitCodes)} (logs: /${run.cluster}/loadtest)`,
    );
  }
  // k6 exits 99 when a threshold failed: the run is complete, the system missed a target.
  step(
    `run ${run.runId}: k6 exited ${k6}${k6 === 99 ? ' (a threshold failed)' : ''}; summary: ${path.relative(REPOSITORY_ROOT, local)}/summary.json`,
  );
}

function timestamp(): string {
  return new Date().toISOString().replace(/\D/g, '').slice(0, 14);
}
