/**
 * `npm run aws -- teardown`: it asks for confirmation, then empties the results bucket and deletes
 * the stacks newest first.
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

  it('when teardown runs, then it empties the results bucket and deletes the stacks newest first', async () => {
    const fake = workspace(['aws'], { deployed: STACKS.map((stack) => stackName(ENVIRONMENT, stack.key)) });
    const result = await runTool(fake, ['teardown', '--yes']);
    expect(result.code).toBe(0);
    const calls = callsOf(fake);
    const deletions = calls.filter((call) => call[2] === 'delete-stack').map((call) => optionOf(call, '--stack-name'));
    expect(deletions).toEqual([...STACKS].reverse().map((stack) => stackName(ENVIRONMENT, stack.key)));
    const emptied = calls.findIndex((call) => call[1] === 's3' && call[2] === 'rm');
    expect(calls[emptied]).toEqual(expect.arrayContaining(['s3://fake-ResultsBucketName']));
    expect(emptied).toBeLessThan(calls.findIndex((call) => call[2] === 'delete-stack'));
    expect(result.output).toMatch(/final snapshot is kept/);
  });
});
