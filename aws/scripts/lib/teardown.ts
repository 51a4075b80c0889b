/**
 * `npm run aws -- teardown`: deletes the stacks in the reverse order of the deploy, empties the
 * buckets first, removes the log groups AWS creates outside the stacks and the token keys,
 * re-keys (or deletes) the database's final snapshot when the environment's KMS key goes, and
 * lists what is left behind (teardown-leftovers.ts).
 */
import { deleteAuthKeys } from './auth-keys';
import { connect, step, type AwsCli } from './aws-cli';
import { deleteStack, describeStack } from './cloudformation';
import { STACKS, stackName, type StackKey } from './stacks';
import { databaseInstanceId, reportLeftovers, secureFinalSnapshots } from './teardown-leftovers';

export interface TeardownOptions {
  readonly environment: string;
  readonly region?: string;
  /** Only these stacks (e.g. `scaling` before a load test); all of them when empty. */
  readonly only: readonly StackKey[];
  /** Delete the database's final snapshot instead of re-encrypting it with the AWS-managed RDS key. */
  readonly deleteSnapshot: boolean;
}

export async function teardown(options: TeardownOptions): Promise<void> {
  const { cli, account } = await connect(options.region);
  const { environment } = options;
  const keys = [...STACKS]
    .reverse()
    .map((stack) => stack.key)
    .filter((key) => options.only.length === 0 || options.only.includes(key));
  step(
    `tearing down ${keys.map((key) => stackName(environment, key)).join(', ')} in account ${account}, region ${cli.region}`,
  );

  const keyArn = await outputOf(cli, environment, 'foundation', 'PlatformKeyArn');
  const keyGoes = keys.includes('foundation');
  for (const key of keys) await deleteOne(cli, environment, key, { keyArn, keyGoes, ...options });
  if (keyGoes) await deleteAuthKeys(cli, environment);
  await reportLeftovers(cli, environment, keyGoes ? keyArn : undefined);
  step('teardown done');
}

async function deleteOne(
  cli: AwsCli,
  environment: string,
  key: StackKey,
  context: { keyArn: string | undefined; keyGoes: boolean; deleteSnapshot: boolean },
): Promise<void> {
  if (key === 'loadtest') await emptyBucket(cli, environment, 'loadtest', 'ResultsBucketName');
  if (key === 'foundation') await emptyBucket(cli, environment, 'foundation', 'TemplatesBucketName');
  if (key === 'data') await explainDeletionProtection(cli, environment);
  await deleteStack(cli, environment, key);
  if (key === 'services') await deleteLogGroup(cli, `/aws/ecs/containerinsights/${environment}/performance`);
  if (key === 'data') {
    for (const log of ['error', 'slowquery'])
      await deleteLogGroup(cli, `/aws/rds/instance/${databaseInstanceId(environment)}/${log}`);
    if (context.keyArn && (context.keyGoes || context.deleteSnapshot)) {
      await secureFinalSnapshots(cli, environment, context.keyArn, context.deleteSnapshot);
    }
  }
}

async function outputOf(cli: AwsCli, environment: string, key: StackKey, output: string) {
  const stack = await describeStack(cli, stackName(environment, key));
  return stack?.Outputs?.find((candidate) => candidate.OutputKey === output)?.OutputValue;
}

async function emptyBucket(cli: AwsCli, environment: string, key: StackKey, output: string): Promise<void> {
  const bucket = await outputOf(cli, environment, key, output);
  if (!bucket) return;
  step(
    `emptying s3://${bucket} (${output === 'ResultsBucketName' ? 'load-test results, copied to performance-tests/results/aws/ by each run' : 'uploaded templates'})`,
  );
  await cli.text(['s3', 'rm', '--recursive', '--only-show-errors', `s3://${bucket}`]);
}

async function explainDeletionProtection(cli: AwsCli, environment: string): Promise<void> {
  const stack = await describeStack(cli, stackName(environment, 'data'));
  const protectedDb = stack?.Parameters?.some(
    (p) => p.ParameterKey === 'DbDeletionProtection' && p.ParameterValue === 'true',
  );
  if (protectedDb) {
    throw new Error(
      'the database has deletion protection (DbDeletionProtection=true): redeploy with ' +
        '`npm run aws -- deploy --param data.DbDeletionProtection=false` first if you really mean to delete it',
    );
  }
}

async function deleteLogGroup(cli: AwsCli, name: string): Promise<void> {
  const result = await cli.attempt(['logs', 'delete-log-group', '--log-group-name', name]);
  if (result.code === 0) step(`deleted log group ${name} (created by AWS outside the stacks)`);
}
