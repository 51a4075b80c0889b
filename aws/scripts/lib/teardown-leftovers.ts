/**
 * What teardown leaves behind, and the final database snapshot: CloudFormation snapshots the RDS
 * instance before deleting it, encrypted with the environment's KMS key, which teardown then
 * schedules for deletion. Such a snapshot could never be restored once the key is gone, so it is
 * re-encrypted with the account's AWS-managed RDS key (kept, restorable) or, with
 * --delete-snapshot, deleted.
 */
import { step, type AwsCli } from './aws-cli';

interface Snapshot {
  readonly DBSnapshotIdentifier: string;
  readonly KmsKeyId?: string;
  readonly Status: string;
  readonly SnapshotCreateTime?: string;
}

export const databaseInstanceId = (environment: string) => `${environment}-mysql`;

async function databaseSnapshots(cli: AwsCli, environment: string): Promise<Snapshot[]> {
  const { DBSnapshots } = await cli.json<{ DBSnapshots?: Snapshot[] }>([
    'rds',
    'describe-db-snapshots',
    '--db-instance-identifier',
    databaseInstanceId(environment),
    '--snapshot-type',
    'manual',
  ]);
  return DBSnapshots ?? [];
}

/** Re-keys (or deletes) every manual snapshot of the environment's database encrypted with `keyArn`. */
export async function secureFinalSnapshots(
  cli: AwsCli,
  environment: string,
  keyArn: string,
  deleteThem: boolean,
): Promise<void> {
  const snapshots = (await databaseSnapshots(cli, environment)).filter((snapshot) => snapshot.KmsKeyId === keyArn);
  for (const { DBSnapshotIdentifier: id } of snapshots) {
    await cli.text(['rds', 'wait', 'db-snapshot-available', '--db-snapshot-identifier', id]);
    if (deleteThem) {
      step(`deleting the database's final snapshot ${id} (--delete-snapshot)`);
    } else {
      const copy = `${id}-aws-rds-key`;
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
      await cli.text(['rds', 'wait', 'db-snapshot-available', '--db-snapshot-identifier', copy]);
    }
    await cli.text(['rds', 'delete-db-snapshot', '--db-snapshot-identifier', id]);
  }
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
    const key = await cli.attempt(['kms', 'describe-key', '--key-id', keyArn]);
    const metadata = key.code === 0 ? (JSON.parse(key.stdout) as { KeyMetadata: KeyMetadata }).KeyMetadata : undefined;
    if (metadata && metadata.KeyState !== 'Deleted') left.push(describeKey(keyArn, metadata));
  }
  const { SecretList } = await cli.json<{ SecretList?: { Name: string; DeletedDate?: string }[] }>([
    'secretsmanager',
    'list-secrets',
    '--include-planned-deletion',
    '--filters',
    'Key=tag-key,Values=environment',
    `Key=tag-value,Values=${environment}`,
  ]);
  for (const secret of SecretList ?? []) {
    left.push(
      `secret ${secret.Name}: ${secret.DeletedDate ? `in its recovery window, deleted for good after ${secret.DeletedDate} plus the window` : 'not deleted'}`,
    );
  }
  const { logGroups } = await cli.json<{ logGroups?: { logGroupName: string }[] }>([
    'logs',
    'describe-log-groups',
    '--log-group-name-prefix',
    `/${environment}/`,
  ]);
  for (const group of logGroups ?? []) left.push(`log group ${group.logGroupName}`);
  step(left.length === 0 ? 'left behind: nothing' : `left behind:\n  - ${left.join('\n  - ')}`);
}

interface KeyMetadata {
  readonly KeyState: string;
  readonly DeletionDate?: string;
}

function describeKey(arn: string, metadata: KeyMetadata): string {
  if (metadata.KeyState === 'PendingDeletion') {
    return `KMS key ${arn}: scheduled for deletion on ${metadata.DeletionDate ?? '(date unknown)'} (AWS never deletes a key at once; 1 USD/month until then)`;
  }
  return `KMS key ${arn}: ${metadata.KeyState}`;
}
