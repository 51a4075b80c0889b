/**
 * `npm run aws -- deploy` on an environment that exists: a redeploy keeps the counts the services
 * run, a first deploy that stopped before its rollout is finished by the next one, a busy stack
 * stops it, and changes CloudFormation cannot carry out are refused before anything is touched
 * (stacks whose creation failed: deploy-tool-failed-create.test.ts).
 */
import { STACKS, stackName } from '../scripts/lib/stacks';
import { ENVIRONMENT, callsOf, optionOf, overridesOf, runTool, useWorkspaces } from './support/deploy-tool';

const ALL = STACKS.map((stack) => stackName(ENVIRONMENT, stack.key));
const KEYS = {
  'ecom/auth/signing-key': { ARN: 'arn:signing', SecretString: 'private' },
  'ecom/auth/verification-key': {
    ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecom/auth/verification-key-AbCdEf',
    SecretString: 'public',
  },
};
const runningServices = (counts: Record<string, number>) =>
  Object.entries(counts).map(([serviceName, desiredCount]) => ({ serviceName, desiredCount, status: 'ACTIVE' }));
/** A deployed environment whose services run image v0; autoscaling moved the gateway to 5. */
const DEPLOYED = {
  deployed: ALL,
  secrets: KEYS,
  parameters: { 'ecom-services': { ImageTag: 'v0' }, 'ecom-data': { KafkaMode: 'serverless', DbEngineVersion: '8.0' } },
  services: runningServices({ gateway: 5, 'product-service': 2, 'order-service': 2, 'order-worker': 1 }),
};
const COUNT_PARAMETERS = [
  'GatewayDesiredCount',
  'ProductServiceDesiredCount',
  'OrderServiceDesiredCount',
  'OrderWorkerDesiredCount',
];

const servicesDeploys = (calls: string[][]) =>
  calls.filter((call) => call[2] === 'deploy' && optionOf(call, '--stack-name') === 'ecom-services').map(overridesOf);

describe('the aws tool: deploy on an existing environment', () => {
  const workspace = useWorkspaces();

  it('when a new commit is deployed, then the jobs run it first and the services follow, keeping the counts they run', async () => {
    const fake = workspace(['aws', 'docker', 'git'], DEPLOYED);
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(0);
    const [jobs, rollout] = servicesDeploys(callsOf(fake));
    expect(jobs).toEqual(
      expect.objectContaining({ ImageTag: 'v0', JobsImageTag: 'abcdef123456', DesiredCounts: 'keep' }),
    );
    expect(rollout).toEqual(
      expect.objectContaining({ ImageTag: 'abcdef123456', JobsImageTag: '', DesiredCounts: 'keep' }),
    );
    for (const phase of [jobs, rollout]) expect(COUNT_PARAMETERS.filter((key) => key in (phase ?? {}))).toEqual([]);
  }, 60_000);

  it('when a redeploy asks for one count, then that one is set and every other is set to what it runs now', async () => {
    const fake = workspace(['aws', 'docker', 'git'], DEPLOYED);
    const result = await runTool(fake, ['deploy', '--param', 'services.OrderWorkerDesiredCount=3']);
    expect(result.code).toBe(0);
    const [, rollout] = servicesDeploys(callsOf(fake));
    expect(rollout).toEqual(
      expect.objectContaining({
        DesiredCounts: 'set',
        GatewayDesiredCount: '5',
        ProductServiceDesiredCount: '2',
        OrderServiceDesiredCount: '2',
        OrderWorkerDesiredCount: '3',
      }),
    );
  }, 60_000);

  it('when a first deploy stopped before its rollout (every service at 0), then the next deploy starts the services', async () => {
    const stopped = {
      ...DEPLOYED,
      parameters: { 'ecom-services': { ImageTag: 'v0', DesiredCounts: 'set' } },
      services: runningServices({ gateway: 0, 'product-service': 0, 'order-service': 0, 'order-worker': 0 }),
    };
    const fake = workspace(['aws', 'docker', 'git'], stopped);
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/the services stack exists but no service was ever started .*: starting them now/);
    const [jobs, rollout] = servicesDeploys(callsOf(fake));
    expect(jobs).toEqual(
      expect.objectContaining({ ImageTag: 'abcdef123456', DesiredCounts: 'set', GatewayDesiredCount: '0' }),
    );
    expect(rollout).toEqual(
      expect.objectContaining({
        ImageTag: 'abcdef123456',
        DesiredCounts: 'set',
        GatewayDesiredCount: '2',
        ProductServiceDesiredCount: '2',
        OrderServiceDesiredCount: '2',
        OrderWorkerDesiredCount: '1',
      }),
    );
  }, 60_000);

  it('when a stack is in the middle of an update, then the deploy stops and says to wait', async () => {
    const fake = workspace(['aws', 'docker', 'git'], {
      deployed: ['ecom-foundation'],
      stackStatus: { 'ecom-foundation': 'UPDATE_IN_PROGRESS' },
    });
    const result = await runTool(fake, ['deploy']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/stack ecom-foundation is busy \(UPDATE_IN_PROGRESS\): wait until it ends/);
    expect(callsOf(fake).filter((call) => call[2] === 'deploy' || call[2] === 'delete-stack')).toEqual([]);
  }, 60_000);

  it.each([
    [
      'KafkaMode changes',
      ['--param', 'data.KafkaMode=provisioned'],
      /data\.KafkaMode serverless → provisioned is not supported on a deployed environment: it replaces the Kafka cluster/,
    ],
    [
      'MySQL is downgraded',
      ['--param', 'data.DbEngineVersion=8.0'],
      /data\.DbEngineVersion 8\.4 → 8\.0: RDS cannot downgrade MySQL/,
    ],
    [
      'a certificate comes without a domain name',
      ['--param', 'services.CertificateArn=arn:aws:acm:eu-west-1:123456789012:certificate/abc'],
      /services\.CertificateArn needs services\.DomainName/,
    ],
  ])(
    'when %s, then nothing is deployed and the reason is given',
    async (_case, args, reason) => {
      const state = {
        ...DEPLOYED,
        parameters: { ...DEPLOYED.parameters, 'ecom-data': { KafkaMode: 'serverless', DbEngineVersion: '8.4' } },
      };
      const fake = workspace(['aws', 'docker', 'git'], state);
      const result = await runTool(fake, ['deploy', ...args]);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/cannot start: nothing was deployed/);
      expect(result.output).toMatch(reason);
      const changes = callsOf(fake).filter(
        (call) => call[0] === 'docker' || ['deploy', 'delete-stack', 'create-secret'].includes(call[2] ?? ''),
      );
      expect(changes).toEqual([]);
    },
    60_000,
  );

  it('when MySQL 8.0 is upgraded to 8.4, then the deploy goes ahead and says what the upgrade costs', async () => {
    const fake = workspace(['aws', 'docker', 'git'], DEPLOYED);
    const result = await runTool(fake, ['deploy', '--param', 'data.DbEngineVersion=8.4']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/MySQL 8\.0 → 8\.4: an in-place major upgrade .* It cannot be undone\./);
  }, 60_000);
});
