/**
 * `npm run aws -- teardown`: deletes the stacks in the reverse order of the deploy, empties the
 * results bucket first, removes the log groups AWS creates outside the stacks, and says what is
 * left behind (the database's final snapshot, the KMS key's 7-day deletion window).
 */
import { connect, step, type AwsCli } from './aws-cli';
import { deleteStack, describeStack } from './cloudformation';
import { STACKS, stackName, type StackKey } from './stacks';

export interface TeardownOptions {
  readonly environment: string;
  readonly region?: string;
  /** Only these stacks (e.g. `scaling` before a load test); all of them when empty. */
  readonly only: readonly StackKey[];
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

  for (const key of keys) {
    if (key === 'loadtest') await emptyResultsBucket(cli, environment);
    if (key === 'data') await explainDeletionProtection(cli, environment);
    await deleteStack(cli, environment, key);
    if (key === 'services') await deleteLogGroup(cli, `/aws/ecs/containerinsights/${environment}/performance`);
    if (key === 'data') {
      for (const log of ['error', 'slowquery'])
        await deleteLogGroup(cli, `/aws/rds/instance/${environment}-mysql/${log}`);
      step(
        `the database's final snapshot is kept (it costs storage): list it with ` +
          `\`aws rds describe-db-snapshots --db-instance-identifier ${environment}-mysql --region ${cli.region}\`, ` +
          'delete it with `aws rds delete-db-snapshot --db-snapshot-identifier <id>`',
      );
    }
  }
  if (keys.includes('foundation')) {
    step('the KMS key is scheduled for deletion in 7 days (AWS never deletes a key at once)');
  }
  step('teardown done');
}

async function emptyResultsBucket(cli: AwsCli, environment: string): Promise<void> {
  const stack = await describeStack(cli, stackName(environment, 'loadtest'));
  const bucket = stack?.Outputs?.find((output) => output.OutputKey === 'ResultsBucketName')?.OutputValue;
  if (!bucket) return;
  step(`emptying s3://${bucket} (results were copied to performance-tests/results/aws/ by each load test)`);
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
