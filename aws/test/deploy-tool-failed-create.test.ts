/**
 * `npm run aws -- deploy` after a creation that failed: a stack in ROLLBACK_COMPLETE (its creation
 * was rolled back) or REVIEW_IN_PROGRESS (its first change set never ran) holds nothing and cannot
 * be updated, so the deploy deletes it and creates it anew, and until then counts it as no stack:
 * its parameters neither refuse a request (a retry may change KafkaMode) nor make the services
 * look started, and no ECS call is made to the cluster the rollback deleted.
 */
import { STACKS, stackName } from '../scripts/lib/stacks';
import { ENVIRONMENT, callsOf, optionOf, overridesOf, runTool, useWorkspaces } from './support/deploy-tool';

const ALL = STACKS.map((stack) => stackName(ENVIRONMENT, stack.key));
const KEYS = {
  'ecom/auth/signing-key': { ARN: 'arn:signing', SecretString: 'private' },
  'ecom/auth/verification-key': { ARN: 'arn:verification', SecretString: 'public' },
};

/** Each stack operation of a run, as `<operation> <stack>` (deploy, delete-stack, …). */
const stackCalls = (calls: string[][]) =>
  calls.filter((call) => call[1] === 'cloudformation').map((call) => `${call[2]} ${optionOf(call, '--stack-name')}`);
const deploysOf = (calls: string[][], name: string) =>
  calls.filter((call) => call[2] === 'deploy' && optionOf(call, '--stack-name') === name).map(overridesOf);

describe('the aws tool: deploy after a failed creation', () => {
  const workspace = useWorkspaces();

  it('when a stack is in ROLLBACK_COMPLETE, then it says why its creation failed, deletes it and creates it again', async () => {
    const fake = workspace(['aws', 'docker', 'git'], {
      deployed: ['ecom-foundation', 'ecom-network'],
      stackStatus: { 'ecom-network': 'ROLLBACK_COMPLETE' },
      stackEvents: {
        'ecom-network': [
          { LogicalResourceId: 'ecom-network', ResourceStatus: 'ROLLBACK_COMPLETE' },
          {
            LogicalResourceId: 'NatGateway',
            ResourceStatus: 'CREATE_FAILED',
            ResourceStatusReason: 'Elastic IP limit',
          },
        ],
      },
    });
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(
      /stack ecom-network is in ROLLBACK_COMPLETE: its first creation failed \(NatGateway: Elastic IP limit\) and CloudFormation cannot update such a stack\. Deleting it/,
    );
    const calls = stackCalls(callsOf(fake));
    const deleted = calls.indexOf('delete-stack ecom-network');
    expect(deleted).toBeGreaterThan(-1);
    expect(deleted).toBeLessThan(calls.indexOf('deploy ecom-network'));
    expect(calls.filter((call) => call.startsWith('delete-stack'))).toEqual(['delete-stack ecom-network']);
  }, 60_000);

  it('when a stack is in REVIEW_IN_PROGRESS (its first change set never ran), then it is deleted and created again, not waited for', async () => {
    const fake = workspace(['aws', 'docker', 'git'], {
      deployed: ['ecom-foundation', 'ecom-network'],
      stackStatus: { 'ecom-network': 'REVIEW_IN_PROGRESS' },
    });
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(0);
    expect(result.output).not.toMatch(/is busy/);
    expect(result.output).toMatch(
      /stack ecom-network is in REVIEW_IN_PROGRESS: its first change set was made but never carried out .* Deleting it \(it holds no resources\) and creating it again\./,
    );
    const calls = stackCalls(callsOf(fake));
    expect(calls.indexOf('delete-stack ecom-network')).toBeGreaterThan(-1);
    expect(calls.indexOf('delete-stack ecom-network')).toBeLessThan(calls.indexOf('deploy ecom-network'));
  }, 60_000);

  it('when the services stack is in ROLLBACK_COMPLETE, then its cluster is not asked about, and it is recreated and started like a first deploy', async () => {
    const fake = workspace(['aws', 'docker', 'git'], {
      deployed: ALL,
      secrets: KEYS,
      stackStatus: { 'ecom-services': 'ROLLBACK_COMPLETE' },
      // What CloudFormation still lists for the rolled-back creation.
      parameters: { 'ecom-services': { ImageTag: 'v0', DesiredCounts: 'set', GatewayDesiredCount: '2' } },
    });
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/stack ecom-services is in ROLLBACK_COMPLETE/);
    expect(result.output).not.toMatch(/exists but no service was ever started/);
    const calls = callsOf(fake);
    expect(calls.filter((call) => call[2] === 'describe-services')).toEqual([]);
    const services = stackCalls(calls).filter(
      (call) => call.endsWith(' ecom-services') && !call.startsWith('describe'),
    );
    expect(services.slice(0, 3)).toEqual(['delete-stack ecom-services', 'wait ecom-services', 'deploy ecom-services']);
    const [jobs, rollout] = deploysOf(calls, 'ecom-services');
    expect(jobs).toEqual(
      expect.objectContaining({ ImageTag: 'abcdef123456', DesiredCounts: 'set', GatewayDesiredCount: '0' }),
    );
    expect(rollout).toEqual(
      expect.objectContaining({ ImageTag: 'abcdef123456', DesiredCounts: 'set', GatewayDesiredCount: '2' }),
    );
  }, 60_000);

  it('when the services stack lists an image tag but its cluster is gone (ClusterNotFoundException), then the services count as never started', async () => {
    const fake = workspace(['aws', 'docker', 'git'], {
      deployed: ALL,
      secrets: KEYS,
      clusters: [],
      parameters: { 'ecom-services': { ImageTag: 'v0' } },
    });
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(0);
    const calls = callsOf(fake);
    expect(calls.filter((call) => call[2] === 'describe-services')).toHaveLength(1);
    const [jobs, rollout] = deploysOf(calls, 'ecom-services');
    expect(jobs).toEqual(expect.objectContaining({ DesiredCounts: 'set', GatewayDesiredCount: '0' }));
    expect(rollout).toEqual(expect.objectContaining({ DesiredCounts: 'set', OrderWorkerDesiredCount: '1' }));
  }, 60_000);

  it.each([
    [
      'ECS fails otherwise',
      { failing: { 'ecs describe-services': 'An error occurred (AccessDeniedException): not authorized' } },
      /aws ecs describe-services failed: An error occurred \(AccessDeniedException\)/,
    ],
    [
      'ECS answers in an unexpected shape',
      { services: 'not a list' },
      /aws ecs describe-services answered unexpectedly/,
    ],
  ])(
    'when %s, then the deploy stops with that before touching the services',
    async (_case, state, message) => {
      const fake = workspace(['aws', 'docker', 'git'], {
        deployed: ALL,
        secrets: KEYS,
        parameters: { 'ecom-services': { ImageTag: 'v0' } },
        ...state,
      });
      const result = await runTool(fake, ['deploy']);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(message);
      expect(deploysOf(callsOf(fake), 'ecom-services')).toEqual([]);
    },
    60_000,
  );

  it('when the data stack is in ROLLBACK_COMPLETE and the retry changes KafkaMode, then it is not refused: the stack is created anew with it', async () => {
    const fake = workspace(['aws', 'docker', 'git'], {
      deployed: ['ecom-foundation', 'ecom-network', 'ecom-data'],
      secrets: KEYS,
      stackStatus: { 'ecom-data': 'ROLLBACK_COMPLETE' },
      parameters: { 'ecom-data': { KafkaMode: 'serverless', DbEngineVersion: '8.4' } },
    });
    const result = await runTool(fake, ['deploy', '--param', 'data.KafkaMode=provisioned']);
    expect(result.code).toBe(0);
    expect(result.output).not.toMatch(/nothing was deployed/);
    const calls = callsOf(fake);
    const data = stackCalls(calls);
    expect(data.indexOf('delete-stack ecom-data')).toBeLessThan(data.indexOf('deploy ecom-data'));
    expect(deploysOf(calls, 'ecom-data')).toEqual([expect.objectContaining({ KafkaMode: 'provisioned' })]);
  }, 60_000);

  it('when the data stack is deployed (CREATE_COMPLETE) and KafkaMode changes, then it is still refused', async () => {
    const fake = workspace(['aws', 'docker', 'git'], {
      deployed: ['ecom-foundation', 'ecom-network', 'ecom-data'],
      parameters: { 'ecom-data': { KafkaMode: 'serverless', DbEngineVersion: '8.4' } },
    });
    const result = await runTool(fake, ['deploy', '--param', 'data.KafkaMode=provisioned']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/nothing was deployed/);
  }, 60_000);
});
