/**
 * `npm run aws -- teardown`: it asks for confirmation, then empties the buckets and deletes the
 * stacks newest first, re-keys (or deletes) the database's final snapshot, which is encrypted with
 * the key teardown schedules for deletion, deletes the token keys, and lists what is left behind.
 */
import { STACKS, stackName } from '../scripts/lib/stacks';
import { ENVIRONMENT, callsOf, optionOf, runTool, useWorkspaces } from './support/deploy-tool';

describe('the aws tool (npm run aws)', () => {
  const workspace = useWorkspaces();

  it('when teardown is asked without confirmation and no terminal, then it refuses', async () => {
    const result = await runTool(workspace(['aws']), ['teardown']);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/pass --yes to confirm/);
  });

  /** The final snapshot CloudFormation took of the database, encrypted with the environment's key. */
  const FINAL_SNAPSHOT = {
    DBSnapshotIdentifier: 'ecom-data-database-1a2b3c',
    KmsKeyId: 'fake-PlatformKeyArn',
    Status: 'available',
  };
  const EVERYTHING = {
    deployed: STACKS.map((stack) => stackName(ENVIRONMENT, stack.key)),
    snapshots: [FINAL_SNAPSHOT],
    secrets: {
      'ecom/auth/signing-key': { ARN: 'arn:signing', SecretString: 'private' },
      'ecom/auth/verification-key': { ARN: 'arn:verification', SecretString: 'public' },
    },
    leftSecrets: [{ Name: 'DatabaseMasterSecret-Xy12', DeletedDate: '2026-11-30T18:00:00Z' }],
  };

  describe('when teardown runs', () => {
    let result: { code: number; output: string };
    let calls: string[][];
    beforeAll(async () => {
      const fake = workspace(['aws'], EVERYTHING);
      result = await runTool(fake, ['teardown', '--yes']);
      calls = callsOf(fake);
    }, 60_000);
    const at = (predicate: (call: string[]) => boolean) => calls.findIndex(predicate);
    const deletion = (key: string) =>
      at((call) => call[2] === 'delete-stack' && optionOf(call, '--stack-name') === key);

    it('then it deletes the stacks newest first, each bucket emptied before its stack', () => {
      expect(result.code).toBe(0);
      const deletions = calls
        .filter((call) => call[2] === 'delete-stack')
        .map((call) => optionOf(call, '--stack-name'));
      expect(deletions).toEqual([...STACKS].reverse().map((stack) => stackName(ENVIRONMENT, stack.key)));
      const emptied = (bucket: string) => at((call) => call[1] === 's3' && call[2] === 'rm' && call.includes(bucket));
      expect(emptied('s3://fake-ResultsBucketName')).toBeLessThan(deletion('ecom-loadtest'));
      expect(emptied('s3://fake-TemplatesBucketName')).toBeGreaterThan(deletion('ecom-network'));
      expect(emptied('s3://fake-TemplatesBucketName')).toBeLessThan(deletion('ecom-foundation'));
    });

    it('then the final snapshot is re-encrypted with the AWS-managed RDS key before the environment key goes, and the original deleted', () => {
      const copy = at((call) => call[2] === 'copy-db-snapshot');
      expect(calls[copy]).toEqual(
        expect.arrayContaining(['ecom-data-database-1a2b3c', 'ecom-data-database-1a2b3c-aws-rds-key', 'alias/aws/rds']),
      );
      expect(copy).toBeGreaterThan(deletion('ecom-data'));
      expect(copy).toBeLessThan(deletion('ecom-foundation'));
      const deleted = calls
        .filter((call) => call[2] === 'delete-db-snapshot')
        .map((c) => optionOf(c, '--db-snapshot-identifier'));
      expect(deleted).toEqual(['ecom-data-database-1a2b3c']);
    });

    it('then the token keys are deleted without a recovery window', () => {
      const deleted = calls.filter((call) => call[2] === 'delete-secret');
      expect(deleted.map((call) => optionOf(call, '--secret-id'))).toEqual([
        'ecom/auth/signing-key',
        'ecom/auth/verification-key',
      ]);
      for (const call of deleted) expect(call).toContain('--force-delete-without-recovery');
    });

    it('then it lists what is left behind: the re-keyed snapshot, the key pending deletion, secrets in their recovery window', () => {
      expect(result.output).toMatch(/left behind:\n/);
      expect(result.output).toMatch(
        /RDS snapshot ecom-data-database-1a2b3c-aws-rds-key \(available, key alias\/aws\/rds\)/,
      );
      expect(result.output).toMatch(/KMS key fake-PlatformKeyArn: scheduled for deletion on 2026-12-07T12:00:00Z/);
      expect(result.output).toMatch(/secret DatabaseMasterSecret-Xy12: in its recovery window/);
      expect(result.output).not.toMatch(/RDS snapshot ecom-data-database-1a2b3c \(/);
    });
  });

  it('when a teardown stopped after the copy started, then the next one waits for that copy instead of copying again, then deletes the original', async () => {
    // The first run deleted every stack but the foundation, started the copy, and stopped (its wait timed out).
    const fake = workspace(['aws'], {
      ...EVERYTHING,
      deployed: [stackName(ENVIRONMENT, 'foundation')],
      snapshots: [
        FINAL_SNAPSHOT,
        { DBSnapshotIdentifier: 'ecom-data-database-1a2b3c-aws-rds-key', KmsKeyId: 'alias/aws/rds', Status: 'copying' },
      ],
    });
    const result = await runTool(fake, ['teardown', '--yes']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(
      /the re-encrypted copy ecom-data-database-1a2b3c-aws-rds-key of ecom-data-database-1a2b3c exists \(an earlier teardown started it\): waiting for it, not copying again/,
    );
    const calls = callsOf(fake);
    expect(calls.filter((call) => call[2] === 'copy-db-snapshot')).toEqual([]);
    const at = (command: string, snapshot: string) =>
      calls.findIndex((call) => call[2] === command && call.includes(snapshot));
    const waitedForCopy = at('wait', 'ecom-data-database-1a2b3c-aws-rds-key');
    expect(waitedForCopy).toBeGreaterThan(-1);
    expect(waitedForCopy).toBeLessThan(at('delete-db-snapshot', 'ecom-data-database-1a2b3c'));
    expect(
      calls.filter((call) => call[2] === 'delete-db-snapshot').map((c) => optionOf(c, '--db-snapshot-identifier')),
    ).toEqual(['ecom-data-database-1a2b3c']);
  }, 60_000);

  it('when teardown runs with --delete-snapshot, then the final snapshot is deleted, not copied', async () => {
    const fake = workspace(['aws'], EVERYTHING);
    const result = await runTool(fake, ['teardown', '--yes', '--delete-snapshot']);
    expect(result.code).toBe(0);
    const calls = callsOf(fake);
    expect(calls.filter((call) => call[2] === 'copy-db-snapshot')).toEqual([]);
    expect(calls.filter((call) => call[2] === 'delete-db-snapshot')).toHaveLength(1);
    expect(result.output).toMatch(
      /deleting the database's final snapshot ecom-data-database-1a2b3c \(--delete-snapshot\)/,
    );
  }, 60_000);

  it('when only the scaling stack is torn down, then the snapshot and the token keys are left alone', async () => {
    const fake = workspace(['aws'], EVERYTHING);
    const result = await runTool(fake, ['teardown', '--yes', '--only', 'scaling']);
    expect(result.code).toBe(0);
    const calls = callsOf(fake);
    expect(
      calls.filter((call) => ['copy-db-snapshot', 'delete-db-snapshot', 'delete-secret'].includes(call[2] ?? '')),
    ).toEqual([]);
    expect(calls.filter((call) => call[2] === 'delete-stack').map((call) => optionOf(call, '--stack-name'))).toEqual([
      'ecom-scaling',
    ]);
  }, 60_000);
});
