/**
 * What teardown leaves behind, and the final database snapshot: CloudFormation snapshots the RDS
 * instance before deleting it, encrypted with the environment's KMS key, which teardown then
 * schedules for deletion. Such a snapshot could never be restored once the key is gone, so it is
 * re-encrypted with the account's AWS-managed RDS key (kept, restorable) or, with
 * --delete-snapshot, deleted.
 */
import { z } from 'zod';
import { parseOutput, step, type AwsCli } from './aws-cli';

const snapshotsSchema = z.object({
  DBSnapshots: z
    .array(z.object({ DBSnapshotIdentifier: z.string(), KmsKeyId: z.string().optional(), Status: z.string() }))
    .optional(),
});

const keySchema = z.object({
  KeyMetadata: z.object({ KeyState: z.string(), DeletionDate: z.union([z.string(), z.number()]).optional() }),
});
type KeyMetadata = z.infer<typeof keySchema>['KeyMetadata'];
const secretListSchema = z.object({
  SecretList: z
    .array(z.object({ Name: z.string(), DeletedDate: z.union([z.string(), z.number()]).optional() }))
    .optional(),
});
const logGroupsSchema = z.object({ logGroups: z.array(z.object({ logGroupName: z.string() })).optional() });

export const databaseInstanceId = (environment: string) => `${environment}-mysql`;

async function databaseSnapshots(cli: AwsCli, environment: string) {
  const { DBSnapshots } = await cli.parse(
    [
      'rds',
      'describe-db-snapshots',
      '--db-instance-identifier',
      databaseInstanceId(environment),
      '--snapshot-type',
      'manual',
    ],
    snapshotsSchema,
  );
  return DBSnapshots ?? [];
}

/**
 * Re-keys (or deletes) every manual snapshot of the environment's database encrypted with `keyArn`.
 * Safe to run again after a teardown that stopped half-way (a wait that timed out, an interrupt):
 * a copy already started is waited for, and the original is deleted only once its copy is available.
 */
export async function secureFinalSnapshots(
  cli: AwsCli,
  environment: string,
  keyArn: string,
  deleteThem: boolean,
): Promise<void> {
  const snapshots = (await databaseSnapshots(cli, environment)).filter((snapshot) => snapshot.KmsKeyId === keyArn);
  for (const { DBSnapshotIdentifier: id } of snapshots) {
    await waitForSnapshot(cli, id);
    if (deleteThem) step(`deleting the database's final snapshot ${id} (--delete-snapshot)`);
    else await copyWithAwsManagedKey(cli, id);
    await cli.text(['rds', 'delete-db-snapshot', '--db-snapshot-identifier', id]);
  }
}

/** `<id>-aws-rds-key`, encrypted with alias/aws/rds, available when this returns. */
async function copyWithAwsManagedKey(cli: AwsCli, id: string): Promise<void> {
  const copy = `${id}-aws-rds-key`;
  if (await snapshotExists(cli, copy)) {
    step(
      `the re-encrypted copy ${copy} of ${id} exists (an earlier teardown started it): waiting for it, not copying again`,
    );
  } else {
    step(
      `re-encrypting the database's final snapshot ${id} as ${copy} with the AWS-managed key alias/aws/rds ` +
        '(the environment key is about to be deleted, and the snapshot with it would be lost)',
    );
    await cli.text([
      'rds',
      'copy-db-snapshot',
      '--source-db-snapshot-identifier',
      id,
      '--target-db-snapshot-identifier',
      copy,
      '--kms-key-id',
      'alias/aws/rds',
      '--copy-tags',
    ]);
  }
  await waitForSnapshot(cli, copy);
}

async function snapshotExists(cli: AwsCli, id: string): Promise<boolean> {
  const args = ['rds', 'describe-db-snapshots', '--db-snapshot-identifier', id];
  const result = await cli.attempt(args);
  if (result.code === 0) return (parseOutput(snapshotsSchema, result.stdout, args).DBSnapshots ?? []).length > 0;
  if (/DBSnapshotNotFound/.test(result.stderr)) return false;
  throw new Error(`aws rds describe-db-snapshots ${id} failed: ${result.stderr.trim()}`);
}

function waitForSnapshot(cli: AwsCli, id: string): Promise<string> {
  return cli.text(['rds', 'wait', 'db-snapshot-available', '--db-snapshot-identifier', id]);
}

/** Lists what outlives the teardown: snapshots, the KMS key's deletion date, secrets and log groups. */
export async function reportLeftovers(cli: AwsCli, environment: string, keyArn: string | undefined): Promise<void> {
  const left: string[] = [];
  for (const snapshot of await databaseSnapshots(cli, environment)) {
    left.push(
      `RDS snapshot ${snapshot.DBSnapshotIdentifier} (${snapshot.Status}, key ${snapshot.KmsKeyId ?? 'none'}): ` +
        `costs storage; delete with \`aws rds delete-db-snapshot --db-snapshot-identifier ${snapshot.DBSnapshotIdentifier}\``,
    );
  }
  if (keyArn) {
    const args = ['kms', 'describe-key', '--key-id', keyArn];
    const key = await cli.attempt(args);
    const metadata = key.code === 0 ? parseOutput(keySchema, key.stdout, args).KeyMetadata : undefined;
    if (metadata && metadata.KeyState !== 'Deleted') left.push(describeKey(keyArn, metadata));
  }
  const { SecretList } = await cli.parse(
    [
      'secretsmanager',
      'list-secrets',
      '--include-planned-deletion',
      '--filters',
      'Key=tag-key,Values=environment',
      `Key=tag-value,Values=${environment}`,
    ],
    secretListSchema,
  );
  for (const secret of SecretList ?? []) {
    left.push(
      `secret ${secret.Name}: ${secret.DeletedDate ? `in its recovery window, deleted for good after ${secret.DeletedDate} plus the window` : 'not deleted'}`,
    );
  }
  const { logGroups } = await cli.parse(
    ['logs', 'describe-log-groups', '--log-group-name-prefix', `/${environment}/`],
    logGroupsSchema,
  );
  for (const group of logGroups ?? []) left.push(`log group ${group.logGroupName}`);
  step(left.length === 0 ? 'left behind: nothing' : `left behind:\n  - ${left.join('\n  - ')}`);
}

function describeKey(arn: string, metadata: KeyMetadata): string {
  if (metadata.KeyState === 'PendingDeletion') {
    return `KMS key ${arn}: scheduled for deletion on ${metadata.DeletionDate ?? '(date unknown)'} (AWS never deletes a key at once; 1 USD/month until then)`;
  }
  return `KMS key ${arn}: ${metadata.KeyState}`;
}
