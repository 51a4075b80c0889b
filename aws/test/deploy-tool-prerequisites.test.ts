/**
 * `npm run aws -- deploy | loadtest | teardown` when a prerequisite is missing: the AWS CLI, working
 * credentials or docker. Each stops before touching anything and says what is missing.
 */
import { callsOf, runTool, useWorkspaces } from './support/deploy-tool';

describe('the aws tool (npm run aws)', () => {
  const workspace = useWorkspaces();

  it.each([['deploy'], ['teardown', '--yes'], ['loadtest']])(
    'when the AWS CLI is not installed, then `%s` stops at once and says how to get it',
    async (...args) => {
      const result = await runTool(workspace([]), args);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(
        /cannot start: aws is not installed \(not found on PATH\)\.\nInstall the AWS CLI v2/,
      );
    },
  );

  it('when the AWS credentials do not work, then the tool says so before touching anything', async () => {
    const fake = workspace(['aws'], { credentials: false });
    const result = await runTool(fake, ['teardown', '--yes']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(
      /No usable AWS credentials \(aws sts get-caller-identity: Unable to locate credentials\.\)/,
    );
    expect(callsOf(fake).filter((call) => call[1] === 'cloudformation')).toEqual([]);
  });

  it('when docker is missing, then deploy stops before deploying anything', async () => {
    const fake = workspace(['aws', 'git']);
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/docker is not installed/);
    expect(callsOf(fake).filter((call) => call[2] === 'deploy')).toEqual([]);
  });
});
