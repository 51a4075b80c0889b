/**
 * The deployment plan against the templates: stacks import only what earlier stacks export, the
 * deploy passes parameters the templates declare, the one-off jobs and images exist, and the
 * security groups let through exactly the connections the task definitions need.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_DESIRED_COUNTS,
  IMAGES,
  ONE_OFF_JOBS,
  REPOSITORY_ROOT,
  STACKS,
  NOT_STARTED,
  servicesJobsPhase,
  servicesRolloutPhase,
  type DeployContext,
  type ServicesState,
} from '../scripts/lib/stacks';
import { SAMPLE, containerNamed, scopeOf } from './support/task-definitions';
import { evaluate, readTemplate, templateOf, walk, type Template } from './support/templates';

const CONTEXT: DeployContext = {
  environment: 'ecom',
  imageTag: 'v1',
  kafkaBootstrapBrokers: SAMPLE.brokers,
  authVerificationKeySecretArn:
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecom/auth/verification-key-AbCdEf',
};

/** Services that run: autoscaling moved the gateway to 5 and the worker to 3. */
const STARTED: ServicesState = {
  started: true,
  runningImageTag: 'v0',
  counts: {
    GatewayDesiredCount: 5,
    ProductServiceDesiredCount: 2,
    OrderServiceDesiredCount: 2,
    OrderWorkerDesiredCount: 3,
  },
};

function exportsOf(template: Template): Map<string, string> {
  const scope = {
    parameters: { EnvironmentName: CONTEXT.environment, ImageTag: 'v1', KafkaBootstrapBrokers: 'b:9098' },
    imports: {},
    template,
  };
  return new Map(
    Object.entries(template.Outputs ?? {})
      .filter(([, output]) => output.Export)
      .map(([key, output]) => [String(evaluate(output.Export?.Name, scope)), key]),
  );
}

function importsOf(template: Template): string[] {
  const scope = { parameters: { EnvironmentName: CONTEXT.environment }, imports: {}, template };
  return [...walk(template.Resources), ...walk(template.Outputs ?? {})]
    .filter(
      (node): node is { 'Fn::ImportValue': unknown } => !!node && typeof node === 'object' && 'Fn::ImportValue' in node,
    )
    .map((node) => String(evaluate(node['Fn::ImportValue'], scope)));
}

describe('the deployment plan', () => {
  it('when the stacks are deployed in plan order, then each imports only what an earlier, non-optional stack exports', () => {
    const available = new Map<string, string>();
    for (const stack of STACKS) {
      const template = readTemplate(stack.template);
      const missing = importsOf(template).filter((name) => !available.has(name));
      expect({ stack: stack.key, missing: [...new Set(missing)] }).toEqual({ stack: stack.key, missing: [] });
      for (const [name] of exportsOf(template)) {
        expect({ stack: stack.key, duplicate: available.has(name) ? name : undefined }).toEqual({
          stack: stack.key,
          duplicate: undefined,
        });
        if (!stack.optional) available.set(name, stack.key);
      }
    }
  });

  it('when the deploy passes parameters, then the template declares each, and each parameter without default is passed', () => {
    const phases = [
      servicesJobsPhase(CONTEXT, NOT_STARTED),
      servicesJobsPhase(CONTEXT, STARTED),
      servicesRolloutPhase(CONTEXT, NOT_STARTED),
      servicesRolloutPhase(CONTEXT, STARTED),
      servicesRolloutPhase(CONTEXT, STARTED, { GatewayDesiredCount: '4' }),
    ];
    for (const stack of STACKS) {
      const declared = readTemplate(stack.template).Parameters ?? {};
      const passedSets = stack.key === 'services' ? phases : [stack.parameters(CONTEXT)];
      for (const passed of passedSets) {
        expect(Object.keys(passed).filter((key) => !(key in declared))).toEqual([]);
        const required = Object.entries(declared)
          .filter(([, parameter]) => parameter.Default === undefined)
          .map(([key]) => key);
        expect(required.filter((key) => !(key in passed))).toEqual([]);
      }
    }
  });

  it('when a first deploy creates the services, then they start with no task and get their default counts once the jobs ran', () => {
    const counts = Object.keys(DEFAULT_DESIRED_COUNTS);
    const jobs = servicesJobsPhase(CONTEXT, NOT_STARTED);
    expect(counts.map((key) => jobs[key])).toEqual(counts.map(() => '0'));
    expect(jobs).toEqual(expect.objectContaining({ JobsImageTag: CONTEXT.imageTag, DesiredCounts: 'set' }));
    const rollout = servicesRolloutPhase(CONTEXT, NOT_STARTED);
    const declared = templateOf('services').Parameters ?? {};
    expect(counts.map((key) => rollout[key])).toEqual(counts.map((key) => String(declared[key]?.Default)));
    expect(rollout).toEqual(expect.objectContaining({ JobsImageTag: '', DesiredCounts: 'set' }));
  });

  it('when a first deploy asks for counts, then the rollout sets those and the defaults for the others', () => {
    const rollout = servicesRolloutPhase(CONTEXT, NOT_STARTED, { OrderWorkerDesiredCount: '4' });
    expect(rollout).toEqual(expect.objectContaining({ OrderWorkerDesiredCount: '4', GatewayDesiredCount: '2' }));
  });

  it('when a later deploy updates the services, then the jobs move first and the running tag and counts are kept until they succeed', () => {
    const jobs = servicesJobsPhase(CONTEXT, STARTED);
    expect(jobs).toEqual(expect.objectContaining({ ImageTag: 'v0', JobsImageTag: 'v1', DesiredCounts: 'keep' }));
    expect(Object.keys(DEFAULT_DESIRED_COUNTS).filter((key) => key in jobs)).toEqual([]);
    const rollout = servicesRolloutPhase(CONTEXT, STARTED);
    expect(rollout).toEqual(expect.objectContaining({ ImageTag: 'v1', JobsImageTag: '', DesiredCounts: 'keep' }));
    expect(Object.keys(DEFAULT_DESIRED_COUNTS).filter((key) => key in rollout)).toEqual([]); // autoscaling's counts stay
  });

  it('when a later deploy asks for one count, then that one is set and the others are set to what they run now', () => {
    const rollout = servicesRolloutPhase(CONTEXT, STARTED, { GatewayDesiredCount: '4' });
    expect(rollout).toEqual(
      expect.objectContaining({
        DesiredCounts: 'set',
        GatewayDesiredCount: '4',
        ProductServiceDesiredCount: '2',
        OrderWorkerDesiredCount: '3',
      }),
    );
  });

  it('when DesiredCounts is keep, then no service of the template sends a DesiredCount (ECS keeps its count)', () => {
    const keep = scopeOf('services', { DesiredCounts: 'keep' });
    const set = scopeOf('services', { DesiredCounts: 'set', GatewayDesiredCount: '3' });
    const services = Object.values(keep.template.Resources).filter((resource) => resource.Type === 'AWS::ECS::Service');
    expect(services).toHaveLength(4);
    for (const service of services) {
      expect(evaluate(service.Properties?.['DesiredCount'], keep)).toBeUndefined();
      expect(evaluate(service.Properties, set)).toEqual(
        expect.objectContaining({ DesiredCount: expect.stringMatching(/^\d+$/) }),
      );
      expect(evaluate(service.Properties, keep)).not.toHaveProperty('DesiredCount');
    }
  });

  it('when a one-off job is run, then its task definition is a services output and its security group a network output', () => {
    const services = templateOf('services').Outputs ?? {};
    const network = templateOf('network').Outputs ?? {};
    for (const job of ONE_OFF_JOBS) {
      expect(services[job.taskDefinitionOutput]?.Value).toEqual({ Ref: `${job.taskDefinitionOutput}` });
      expect(network[job.securityGroupOutput]).toBeDefined();
      expect(containerNamed('services', job.name)).toBeDefined();
    }
  });

  it('when the images are built, then each Dockerfile exists and its repository is a foundation output named after the image', () => {
    const foundation = templateOf('foundation');
    for (const { image, dockerfile, repositoryOutput } of IMAGES) {
      expect(existsSync(path.join(REPOSITORY_ROOT, dockerfile))).toBe(true);
      const repository = String(
        (foundation.Outputs?.[repositoryOutput]?.Value as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
      );
      const name = foundation.Resources[repository]?.Properties?.['RepositoryName'] as { 'Fn::Sub': string };
      expect(name['Fn::Sub']).toBe(`\${EnvironmentName}/${image}`);
    }
  });

  it('when the network is laid out, then the subnets lie inside the VPC and apart from each other', () => {
    const parameters = templateOf('network').Parameters ?? {};
    const range = (cidr: string) => {
      const [address = '', bits = '0'] = cidr.split('/');
      const start = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
      return [start, start + 2 ** (32 - Number(bits)) - 1] as const;
    };
    const [vpcStart, vpcEnd] = range(String(parameters['VpcCidr']?.Default));
    const subnets = ['PublicSubnetACidr', 'PublicSubnetBCidr', 'PrivateSubnetACidr', 'PrivateSubnetBCidr'].map((key) =>
      range(String(parameters[key]?.Default)),
    );
    for (const [start, end] of subnets) expect(start >= vpcStart && end <= vpcEnd).toBe(true);
    for (const [i, [start, end]] of subnets.entries()) {
      for (const [otherStart, otherEnd] of subnets.slice(i + 1))
        expect(end < otherStart || otherEnd < start).toBe(true);
    }
  });
});

describe('security groups: exactly the connections the services need', () => {
  const network = templateOf('network');
  /** A security group's logical id in the network stack from the export name a service imports. */
  const groupOfExport = (exportName: string) => {
    const output = Object.entries(network.Outputs ?? {}).find(([key]) => exportName.endsWith(`-${key}`))?.[1];
    return (output?.Value as { Ref: string }).Ref;
  };
  const groupOfService = (logicalId: string) => {
    const scope = scopeOf('services');
    const configuration = evaluate(
      scope.template.Resources[logicalId]?.Properties?.['NetworkConfiguration'],
      scope,
    ) as {
      AwsvpcConfiguration: { SecurityGroups: string[] };
    };
    return groupOfExport(String(configuration.AwsvpcConfiguration.SecurityGroups[0]).replace(/^sample-/, ''));
  };
  const groupOfJob = (job: (typeof ONE_OFF_JOBS)[number]) =>
    (network.Outputs?.[job.securityGroupOutput]?.Value as { Ref: string }).Ref;

  /** from group → to group : port, derived from what each process connects to. */
  function neededConnections(): string[] {
    const needs = new Set<string>(['LoadBalancerSecurityGroup → GatewaySecurityGroup : 8080']);
    const processes = [
      ...[
        ['gateway', 'GatewayService'],
        ['product-service', 'ProductService'],
        ['order-service', 'OrderService'],
        ['order-worker', 'OrderWorkerService'],
      ].map(([container = '', service = '']) => ({ container, group: groupOfService(service) })),
      ...ONE_OFF_JOBS.map((job) => ({ container: job.name, group: groupOfJob(job) })),
    ];
    for (const { container, group } of processes) {
      const environment = containerNamed('services', container).environment;
      if (environment['MYSQL_HOST']) needs.add(`${group} → DatabaseSecurityGroup : 3306`);
      if (environment['KAFKA_BROKERS']) needs.add(`${group} → KafkaSecurityGroup : 9098`);
      for (const url of (environment['PRODUCT_SERVICE_URLS'] ?? '').split(',').filter(Boolean)) {
        needs.add(`${group} → ProductServiceSecurityGroup : ${new URL(url).port}`);
      }
      for (const url of (environment['ORDER_SERVICE_URLS'] ?? '').split(',').filter(Boolean)) {
        needs.add(`${group} → OrderServiceSecurityGroup : ${new URL(url).port}`);
      }
    }
    return [...needs].sort();
  }

  function declaredIngress(): string[] {
    return Object.values(network.Resources)
      .filter((resource) => resource.Type === 'AWS::EC2::SecurityGroupIngress')
      .map((resource) => resource.Properties ?? {})
      .filter((rule) => rule['SourceSecurityGroupId'])
      .map((rule) => {
        const from = (rule['SourceSecurityGroupId'] as { Ref: string }).Ref;
        const to = (rule['GroupId'] as { Ref: string }).Ref;
        expect(rule['FromPort']).toBe(rule['ToPort']);
        return `${from} → ${to} : ${rule['FromPort']}`;
      })
      .sort();
  }

  function declaredEgress(): Set<string> {
    const egress = new Set<string>();
    for (const [group, resource] of Object.entries(network.Resources)) {
      if (resource.Type !== 'AWS::EC2::SecurityGroup') continue;
      for (const rule of (resource.Properties?.['SecurityGroupEgress'] ?? []) as Record<string, unknown>[]) {
        const to = (rule['DestinationSecurityGroupId'] as { Ref: string } | undefined)?.Ref;
        if (to) egress.add(`${group} → ${to} : ${rule['FromPort']}`);
      }
    }
    return egress;
  }

  it('when a process connects to a database, a broker or another service, then the target group admits exactly those connections', () => {
    expect(declaredIngress()).toEqual(neededConnections());
  });

  it('when a process connects inside the VPC, then its own group lets the connection out', () => {
    const egress = declaredEgress();
    expect(neededConnections().filter((connection) => !egress.has(connection))).toEqual([]);
  });

  it('when nothing needs to leave the database or the brokers, then their groups let nothing out', () => {
    for (const group of ['DatabaseSecurityGroup', 'KafkaSecurityGroup']) {
      expect(network.Resources[group]?.Properties?.['SecurityGroupEgress']).toEqual([
        expect.objectContaining({ IpProtocol: '-1', CidrIp: '127.0.0.1/32' }),
      ]);
    }
  });
});
