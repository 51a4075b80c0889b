/**
 * The rehearsal: every stack is created, in deploy order and with the parameters a deploy passes
 * (aws/scripts/lib/stacks.ts), against moto in server mode on loopback; every template but the
 * foundation's is uploaded to the foundation's templates bucket and created from there
 * (TemplateURL), as the deploy tool packages them. The services stack goes through a first deploy
 * that stops after its first phase (the one-off jobs failed: every service at 0 tasks), its retry
 * (which must start them), then a redeploy of a new image after autoscaling moved a count (which
 * must keep it).
 *
 * moto creates what it models; the resource types it does not model are listed below and are
 * covered by cfn-lint and checkov only (offline-checks.test.ts).
 */
import {
  Capability,
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  UpdateStackCommand,
  type Parameter,
  type Stack,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServicesCommand,
  type ContainerDefinition,
} from '@aws-sdk/client-ecs';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { generateRsaKeyPair } from '@ecom/auth';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_DESIRED_COUNTS,
  NOT_STARTED,
  SERVICE_OF_COUNT,
  STACKS,
  TEMPLATES_DIR,
  servicesJobsPhase,
  servicesRolloutPhase,
  stackName,
  toServicesState,
  type DeployContext,
  type ServicesState,
  type StackKey,
} from '../scripts/lib/stacks';
import { startMoto, type MotoServer } from './support/moto';
import { motoCloudFormationTypes } from './support/python-tools';
import { condition, readTemplate, type Template } from './support/templates';

/**
 * Resource types moto's CloudFormation does not create (moto 5.2.5): rehearsed by nobody,
 * checked by cfn-lint (schema, references) and checkov (security) only.
 */
const LINTED_ONLY = [
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::MSK::ServerlessCluster',
  'AWS::S3::BucketPolicy',
  'AWS::ServiceDiscovery::HttpNamespace',
].sort();

/** Linted only as well, and not even skipped here: only in the provisioned-MSK variant (KafkaMode). */
const LINTED_ONLY_OUTSIDE_DEFAULTS = ['AWS::MSK::Cluster'];

/** Not modelled by moto's CloudFormation, but by support/moto_server.py onto moto's Secrets Manager. */
const ADDED_TO_MOTO = ['AWS::SecretsManager::Secret'];

/** Outputs whose value comes from a linted-only resource, so moto cannot show them. */
const OUTPUTS_MOTO_CANNOT_SHOW: Partial<Record<StackKey, string[]>> = { data: ['KafkaClusterArn'] };

/**
 * What a deploy reads from AWS between stacks: `aws kafka get-bootstrap-brokers` (MSK), and the
 * token verification key's secret, which the tool creates (set in beforeAll, created in moto).
 */
const CONTEXT: DeployContext = {
  environment: 'rehearsal',
  imageTag: 'rehearsal-0001',
  kafkaBootstrapBrokers:
    'boot-a1b2c3d4.c2.kafka-serverless.us-east-1.amazonaws.com:9098,boot-e5f6a7b8.c2.kafka-serverless.us-east-1.amazonaws.com:9098',
  authVerificationKeySecretArn: '',
};
/** The image of the redeploy. */
const NEXT_IMAGE_TAG = 'rehearsal-0002';

interface Created {
  readonly stack: Stack;
  readonly resources: StackResourceSummary[];
  readonly parameters: Record<string, string>;
}

describe('rehearsal: every stack created against moto, in deploy order', () => {
  let moto: MotoServer;
  let cloudformation: CloudFormationClient;
  let ecs: ECSClient;
  let secrets: SecretsManagerClient;
  let motoTypes: Set<string>;
  const created = new Map<StackKey, Created>();
  const registered = new Map<string, ContainerDefinition>();
  let context: DeployContext = CONTEXT;
  const uploaded = new Set<string>();
  /** The services' state and counts at each step of the services stack's story. */
  const story: Record<string, ServicesState | Record<string, number | undefined>> = {};

  const outputsOf = (key: StackKey): Record<string, string> =>
    Object.fromEntries((created.get(key)?.stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));

  /**
   * CreateStack / UpdateStack: `aws cloudformation deploy` goes through change sets, but moto's
   * change sets leave a stack without outputs (and so without exports), which the next stack needs.
   */
  async function deploy(key: StackKey, parameters: Record<string, string>, type: 'CREATE' | 'UPDATE'): Promise<void> {
    const name = stackName(CONTEXT.environment, key);
    const plan = STACKS.find((stack) => stack.key === key);
    const body = readFileSync(path.join(TEMPLATES_DIR, plan?.template ?? ''), 'utf8');
    const template = plan?.inline ? { TemplateBody: body } : { TemplateURL: await uploadTemplate(key, body) };
    const request = {
      StackName: name,
      ...template,
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]): Parameter => ({
        ParameterKey,
        ParameterValue,
      })),
      Capabilities: [Capability.CAPABILITY_IAM],
      Tags: [{ Key: 'project', Value: 'ecom-platform' }],
    };
    try {
      await cloudformation.send(type === 'CREATE' ? new CreateStackCommand(request) : new UpdateStackCommand(request));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${type} ${name} failed: ${reason}\n--- moto's output ends with:\n${moto.output().slice(-4000)}`);
    }
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: name }));
    const { StackResourceSummaries } = await cloudformation.send(new ListStackResourcesCommand({ StackName: name }));
    const stack = Stacks?.[0];
    if (!stack) throw new Error(`${name} is not there after ${type}`);
    created.set(key, { stack, resources: StackResourceSummaries ?? [], parameters });
  }

  /**
   * As `aws cloudformation deploy --s3-bucket` does: the template into the foundation's bucket,
   * under a key of its content's hash, uploaded once (a template already there is not sent again).
   */
  async function uploadTemplate(key: StackKey, body: string): Promise<string> {
    const bucket = outputsOf('foundation')['TemplatesBucketName'];
    if (!bucket) throw new Error('no templates bucket: the foundation comes first');
    const objectKey = `templates/${key}/${createHash('md5').update(body).digest('hex')}.template`;
    if (!uploaded.has(objectKey)) {
      const response = await fetch(`${moto.endpoint}/${bucket}/${objectKey}`, { method: 'PUT', body });
      if (!response.ok) throw new Error(`uploading the ${key} template failed: ${response.status}`);
      uploaded.add(objectKey);
    }
    return `https://${bucket}.s3.amazonaws.com/${objectKey}`;
  }

  async function servicesNow(imageTag: string): Promise<ServicesState> {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: CONTEXT.environment, services: Object.values(SERVICE_OF_COUNT) }),
    );
    return toServicesState(imageTag, services ?? []);
  }

  async function countsNow(): Promise<Record<string, number | undefined>> {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: CONTEXT.environment, services: Object.values(SERVICE_OF_COUNT) }),
    );
    return Object.fromEntries((services ?? []).map((service) => [service.serviceName ?? '', service.desiredCount]));
  }

  /** The services stack's story: a stopped first deploy, its retry, a scale-out, a redeploy. */
  async function deployServices(): Promise<void> {
    await deploy('services', servicesJobsPhase(context, NOT_STARTED), 'CREATE');
    // As registered by the create: moto re-registers a task definition changed by an update
    // with its keys in CloudFormation's PascalCase, which ECS's API then does not show.
    for (const family of ['gateway', 'order-worker', 'job-kafka-topics']) {
      const name = `${CONTEXT.environment}-${family}`;
      const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: name }));
      registered.set(family, taskDefinition?.containerDefinitions?.[0] ?? {});
    }
    // The one-off jobs failed here: the deploy stopped. The retry finds the services never started.
    story['stopped'] = await servicesNow(context.imageTag);
    const retry = story['stopped'] as ServicesState;
    await deploy('services', servicesJobsPhase(context, retry), 'UPDATE');
    await deploy('services', servicesRolloutPhase(context, retry), 'UPDATE');
    story['retried'] = await countsNow();
    // Autoscaling moves the gateway to 5; then a redeploy of the next image.
    await ecs.send(new UpdateServiceCommand({ cluster: CONTEXT.environment, service: 'gateway', desiredCount: 5 }));
    const running = await servicesNow(context.imageTag);
    story['running'] = running;
    const next = { ...context, imageTag: NEXT_IMAGE_TAG };
    await deploy('services', servicesJobsPhase(next, running), 'UPDATE');
    await deploy('services', servicesRolloutPhase(next, running), 'UPDATE');
    story['redeployed'] = await countsNow();
  }

  beforeAll(async () => {
    [moto, motoTypes] = await Promise.all([startMoto(), motoCloudFormationTypes()]);
    const client = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' },
    };
    cloudformation = new CloudFormationClient(client);
    ecs = new ECSClient(client);
    secrets = new SecretsManagerClient(client);

    const { publicKeyPem } = await generateRsaKeyPair();
    const secret = await secrets.send(
      new CreateSecretCommand({ Name: `${CONTEXT.environment}/auth/verification-key`, SecretString: publicKeyPem }),
    );
    context = { ...CONTEXT, authVerificationKeySecretArn: secret.ARN ?? '' };

    for (const stack of STACKS) {
      if (stack.key === 'services') await deployServices();
      else await deploy(stack.key, { ...stack.parameters(context) }, 'CREATE');
    }
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('when the stacks are created in deploy order, then every one of them completes', () => {
    const statuses = STACKS.map((stack) => [stack.key, created.get(stack.key)?.stack.StackStatus]);
    expect(statuses).toEqual(
      STACKS.map((stack) => [stack.key, stack.key === 'services' ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE']),
    );
  });

  it('when moto models a resource type, then each resource of it exists; the others are exactly the linted-only list', () => {
    const skippedTypes = new Set<string>();
    for (const stack of STACKS) {
      const template = readTemplate(stack.template);
      const { resources, parameters } = created.get(stack.key)!;
      for (const [logicalId, resource] of activeResources(template, parameters)) {
        const listed = resources.some(
          (summary) => summary.LogicalResourceId === logicalId && summary.ResourceType === resource.Type,
        );
        if (motoTypes.has(resource.Type) || ADDED_TO_MOTO.includes(resource.Type)) {
          expect({ stack: stack.key, logicalId, created: listed }).toEqual({
            stack: stack.key,
            logicalId,
            created: true,
          });
        } else {
          skippedTypes.add(resource.Type);
        }
      }
    }
    expect([...skippedTypes].sort()).toEqual(LINTED_ONLY);
    expect(ADDED_TO_MOTO.filter((type) => motoTypes.has(type))).toEqual([]); // else drop the addition
  });

  it('when a template declares a resource type, then moto models it or it is listed as linted only', () => {
    const declared = new Set(
      STACKS.flatMap((stack) => Object.values(readTemplate(stack.template).Resources)).map((r) => r.Type),
    );
    const notModelled = [...declared].filter((type) => !motoTypes.has(type) && !ADDED_TO_MOTO.includes(type));
    expect(notModelled.sort()).toEqual([...LINTED_ONLY, ...LINTED_ONLY_OUTSIDE_DEFAULTS].sort());
  });

  it('when the stacks are complete, then their outputs exist, except those of linted-only resources', () => {
    for (const stack of STACKS) {
      const template = readTemplate(stack.template);
      const parameters = created.get(stack.key)!.parameters;
      const scope = { parameters, imports: {}, template };
      const expected = Object.entries(template.Outputs ?? {})
        .filter(([, output]) => output.Condition === undefined || condition(output.Condition, scope))
        .map(([key]) => key)
        .filter((key) => !(OUTPUTS_MOTO_CANNOT_SHOW[stack.key] ?? []).includes(key));
      const outputs = outputsOf(stack.key);
      expect({ stack: stack.key, outputs: Object.keys(outputs).sort() }).toEqual({
        stack: stack.key,
        outputs: expected.sort(),
      });
      for (const key of expected)
        expect({ stack: stack.key, key, value: outputs[key] }).toEqual(
          expect.objectContaining({ value: expect.stringMatching(/\S/) }),
        );
    }
  });

  it('when the services stack is complete, then the cluster, the load balancer URL and the four services are there', async () => {
    const services = outputsOf('services');
    expect(services['ClusterName']).toBe(CONTEXT.environment);
    expect(services['LoadBalancerDnsName']).toMatch(/^rehearsal-alb-[\w-]+\.us-east-1\.elb\.amazonaws\.com$/);
    expect(services['ApiUrl']).toBe(`http://${services['LoadBalancerDnsName']}`);
    expect(services['GatewayTargetGroupFullName']).toMatch(/^targetgroup\/[\w-]+\/\w+$/);

    const { serviceArns } = await ecs.send(new ListServicesCommand({ cluster: CONTEXT.environment }));
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: CONTEXT.environment, services: serviceArns }),
    );
    const counts = Object.fromEntries((described.services ?? []).map((s) => [s.serviceName, s.desiredCount]));
    expect(counts).toEqual({
      gateway: 5, // as autoscaling left it (see below)
      'product-service': DEFAULT_DESIRED_COUNTS.ProductServiceDesiredCount,
      'order-service': DEFAULT_DESIRED_COUNTS.OrderServiceDesiredCount,
      'order-worker': DEFAULT_DESIRED_COUNTS.OrderWorkerDesiredCount,
    });
  });

  it('when a first deploy stopped after its first phase, then no service was started, and its retry starts them at the default counts', () => {
    expect(story['stopped']).toEqual(NOT_STARTED);
    expect(story['retried']).toEqual({
      gateway: DEFAULT_DESIRED_COUNTS.GatewayDesiredCount,
      'product-service': DEFAULT_DESIRED_COUNTS.ProductServiceDesiredCount,
      'order-service': DEFAULT_DESIRED_COUNTS.OrderServiceDesiredCount,
      'order-worker': DEFAULT_DESIRED_COUNTS.OrderWorkerDesiredCount,
    });
  });

  it('when autoscaling moved a count and a new image is deployed, then the count is kept and the stack runs the new image', () => {
    expect(story['running']).toEqual(
      expect.objectContaining({ started: true, counts: expect.objectContaining({ GatewayDesiredCount: 5 }) }),
    );
    expect(story['redeployed']).toEqual(expect.objectContaining({ gateway: 5 }));
    const parameters = Object.fromEntries(
      (created.get('services')?.stack.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]),
    );
    expect(parameters).toEqual(expect.objectContaining({ ImageTag: NEXT_IMAGE_TAG, DesiredCounts: 'keep' }));
  });

  it('when a task definition is registered, then its image, database host, brokers and secrets resolve to what the other stacks created', () => {
    const foundation = outputsOf('foundation');
    const data = outputsOf('data');
    const taskDefinition = (family: string) => registered.get(family);
    const environmentOf = (container: ContainerDefinition | undefined) =>
      Object.fromEntries((container?.environment ?? []).map((e) => [e.name, e.value]));

    const worker = taskDefinition('order-worker');
    expect(worker?.image).toBe(`${foundation['OrderServiceRepositoryUri']}:${CONTEXT.imageTag}`);
    expect(environmentOf(worker)).toEqual(
      expect.objectContaining({
        MYSQL_HOST: data['DatabaseEndpoint'],
        MYSQL_PORT: data['DatabasePort'],
        KAFKA_BROKERS: CONTEXT.kafkaBootstrapBrokers,
        AWS_REGION: 'us-east-1',
      }),
    );
    expect((worker?.secrets ?? []).map((s) => s.valueFrom)).toEqual([
      `${data['OrderDatabaseSecretArn']}:username::`,
      `${data['OrderDatabaseSecretArn']}:password::`,
    ]);

    const gateway = taskDefinition('gateway');
    expect(gateway?.image).toBe(`${foundation['GatewayRepositoryUri']}:${CONTEXT.imageTag}`);
    expect(gateway?.secrets).toEqual([
      { name: 'AUTH_RS256_PUBLIC_KEY', valueFrom: context.authVerificationKeySecretArn },
    ]);
    const topics = taskDefinition('job-kafka-topics');
    expect(topics?.image).toBe(`${foundation['ProductServiceRepositoryUri']}:${CONTEXT.imageTag}`);
    expect(environmentOf(topics)['KAFKA_REPLICATION_FACTOR']).toBe(data['KafkaReplicationFactor']);
  });

  it('when the data stack generated the credentials, then each secret holds its user and a 32-character password', async () => {
    const data = outputsOf('data');
    const users: Record<string, string> = {
      DatabaseMasterSecretArn: 'ecom_admin',
      ProductDatabaseSecretArn: 'product_service',
      OrderDatabaseSecretArn: 'order_service',
    };
    for (const [output, username] of Object.entries(users)) {
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: data[output] }));
      const secret = JSON.parse(SecretString ?? '{}') as { username?: string; password?: string };
      expect(secret.username).toBe(username);
      expect(secret.password).toMatch(/^[A-Za-z0-9]{32}$/);
    }
  });

  it('when moto skipped a resource, then it said so for exactly the linted-only types', () => {
    const warned = new Set([...moto.output().matchAll(/No Moto CloudFormation support for (\S+)/g)].map((m) => m[1]));
    expect([...warned].sort()).toEqual(LINTED_ONLY);
  });
});

function activeResources(template: Template, parameters: Record<string, string>) {
  const scope = { parameters, imports: {}, template };
  return Object.entries(template.Resources).filter(
    ([, resource]) => resource.Condition === undefined || condition(resource.Condition, scope),
  );
}
