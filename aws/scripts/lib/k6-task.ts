/**
 * One run of the k6 suite as an ECS task: the suite is uploaded to s3://<bucket>/runs/<run-id>/scripts/,
 * the load-test task runs it (its k6 container with the given environment), and runs/<run-id>/results/
 * is copied to a local folder. Returns k6's exit code (99: a threshold failed, the run is complete).
 */
import path from 'node:path';
import { step, type AwsCli } from './aws-cli';
import { mintToken, readTokenSigner, type TokenSigner } from './auth-keys';
import { stackOutputs } from './cloudformation';
import { runTaskToCompletion } from './ecs';
import { K6_SUITE_DIR, REPOSITORY_ROOT } from './stacks';

/** What every run needs from the deployed stacks. */
export interface LoadTestStacks {
  readonly environment: string;
  readonly cluster: string;
  readonly suite: string;
  readonly services: Record<string, string>;
  readonly network: Record<string, string>;
  readonly loadtest: Record<string, string>;
  /** Mints the k6 task's admin token; undefined when the gateway runs without auth. */
  readonly signer: TokenSigner | undefined;
}

/**
 * How long a k6 task may run: it is stopped after that, when its token (valid as long) has
 * expired anyway. Longer than any scenario of the suite and any point of an experiment.
 */
export const K6_TASK_TIMEOUT_SECONDS = 6 * 3600;

export async function readLoadTestStacks(cli: AwsCli, environment: string): Promise<LoadTestStacks> {
  const services = await stackOutputs(cli, environment, 'services');
  const network = await stackOutputs(cli, environment, 'network');
  const loadtest = await stackOutputs(cli, environment, 'loadtest');
  const suite = path.join(REPOSITORY_ROOT, K6_SUITE_DIR);
  const signer = await readTokenSigner(cli, environment);
  return { environment, cluster: services['ClusterName'] ?? '', suite, services, network, loadtest, signer };
}

export interface K6Run {
  readonly runId: string;
  /** The k6 container's environment (SCENARIO, BASE_URL, …; see performance-tests/k6/lib/config.js). */
  readonly k6Environment: Readonly<Record<string, string>>;
  /** Where the run's results are copied. */
  readonly localDir: string;
}

/** Uploads the suite, runs the k6 task to its end and copies its results; k6's exit code. */
export async function runK6Task(cli: AwsCli, stacks: LoadTestStacks, run: K6Run): Promise<number> {
  const prefix = `s3://${stacks.loadtest['ResultsBucketName'] ?? ''}/runs/${run.runId}`;
  step(`run ${run.runId}: uploading ${K6_SUITE_DIR}/ to ${prefix}/scripts/`);
  await cli.text(['s3', 'cp', '--recursive', '--only-show-errors', stacks.suite, `${prefix}/scripts/`]);
  const exitCodes = await runK6Container(cli, stacks, run);
  const local = path.relative(REPOSITORY_ROOT, run.localDir);
  step(`run ${run.runId}: copying ${prefix}/results/ to ${local}/`);
  await cli.text(['s3', 'cp', '--recursive', '--only-show-errors', `${prefix}/results/`, run.localDir]);
  const k6 = exitCodes['k6'];
  if (exitCodes['fetch-scripts'] !== 0 || exitCodes['upload-results'] !== 0 || k6 === undefined) {
    throw new Error(
      `run ${run.runId} did not complete: exit codes ${JSON.stringify(exitCodes)} (logs: /${stacks.cluster}/loadtest)`,
    );
  }
  // k6 exits 99 when a threshold failed: the run is complete, the system missed a target.
  step(`run ${run.runId}: k6 exited ${k6}${k6 === 99 ? ' (a threshold failed)' : ''}; results in ${local}/`);
  return k6;
}

/** Runs the task (fetch the scripts, k6, upload the results) to its end; each container's exit code. */
async function runK6Container(cli: AwsCli, stacks: LoadTestStacks, run: K6Run) {
  const { SCENARIO: scenario, BASE_URL: baseUrl, RATES: rates } = run.k6Environment;
  step(
    `run ${run.runId}: k6 scenario "${scenario}"${rates ? ` at ${rates} orders/s` : ''} against ${baseUrl} ` +
      '(an ECS task; this waits until it ends)',
  );
  // An admin token of its own (k6 sends it on every request), as a container override: never in
  // a template, a log line or a process list (ecs.ts passes overrides in a private file).
  const token: Record<string, string> = stacks.signer
    ? { API_TOKEN: await mintToken(stacks.signer, { role: 'admin', userId: 1, ttlSeconds: K6_TASK_TIMEOUT_SECONDS }) }
    : {};
  const network = {
    subnets: stacks.network['PrivateSubnetIds'] ?? '',
    securityGroup: stacks.network['LoadTestSecurityGroupId'] ?? '',
  };
  return runTaskToCompletion(cli, stacks.cluster, stacks.loadtest['LoadTestTaskDefinition'] ?? '', network, {
    containerEnvironments: [
      { name: 'fetch-scripts', environment: { RUN_ID: run.runId } },
      { name: 'k6', environment: { ...run.k6Environment, ...token } },
      { name: 'upload-results', environment: { RUN_ID: run.runId } },
    ],
    pollSeconds: 15,
    timeoutSeconds: K6_TASK_TIMEOUT_SECONDS,
  });
}

/** UTC yyyymmddhhmmss, for run and experiment ids. */
export function timestamp(): string {
  return new Date().toISOString().replace(/\D/g, '').slice(0, 14);
}
