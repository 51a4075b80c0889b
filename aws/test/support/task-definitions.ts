/**
 * The containers of the task definitions, with their environment evaluated as ECS would hand it
 * to the process: parameters from the deploy, other stacks' exports and secrets as samples.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT, type StackKey } from '../../scripts/lib/stacks';
import { evaluate, templateOf, type Node, type Scope, type Template } from './templates';

export const SAMPLE = {
  environment: 'ecom',
  imageTag: 'v1',
  brokers:
    'b-1.ecom-kafka.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098,b-2.ecom-kafka.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098',
  databaseHost: 'ecom-mysql.c9akciq32.eu-west-1.rds.amazonaws.com',
  secretUser: 'sample_user',
  secretPassword: 'Sample0Password0From0Secrets0Mgr',
  /** The token verification key's secret (a PEM the deploy tool generates; this one is a sample). */
  verificationKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecom/auth/verification-key-AbCdEf',
  publicKeyPem: [
    '-----BEGIN PUBLIC KEY-----',
    'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnfD0V1LZ7khEIKyCGjxb',
    'sNK12ployIJoaocb4mSlrIpzhxuP1SkS0m8gnx8UDmHJpjmnrBS02RxsRY83MAXw',
    'nRh1tdfEbQc76FBTVwSxO2yCtoWiqYDehZyKu5nxfXmXbRbbO0KjasJzXLY08f8f',
    'wM5b24Hyqa3dViS8Nv+UxnQ1kXWAPA8BanQKf/nDwkR+kIKWwnUoOmoJgpYIhB54',
    'ZzOygtmLZLV4R88H29WVvhQaDjJighGJRDfOZdwnB16gi7qn48Eyb62d4QqLe2P/',
    'bLp2PlnakiGXNtY1/B0Sr84w1NgAh9joezvHYS8i9Zh+CCYCJlMXxydw2qB8ANjj',
    '1wIDAQAB',
    '-----END PUBLIC KEY-----',
  ].join('\n'),
} as const;

/** Other stacks' exports as samples: `sample-<export>` unless a value of the right shape matters. */
const imports = new Proxy({} as Record<string, string>, {
  get: (_target, name: string) =>
    ({
      [`${SAMPLE.environment}-DatabaseEndpoint`]: SAMPLE.databaseHost,
      [`${SAMPLE.environment}-DatabasePort`]: '3306',
      [`${SAMPLE.environment}-KafkaReplicationFactor`]: '3',
    })[name] ?? `sample-${name}`,
});

export function scopeOf(key: StackKey, parameters: Record<string, string> = {}): Scope & { template: Template } {
  const base = {
    EnvironmentName: SAMPLE.environment,
    ImageTag: SAMPLE.imageTag,
    KafkaBootstrapBrokers: SAMPLE.brokers,
    AuthVerificationKeySecretArn: SAMPLE.verificationKeySecretArn,
  };
  return { template: templateOf(key), parameters: { ...base, ...parameters }, imports };
}

export interface Container {
  readonly taskDefinition: string;
  readonly name: string;
  readonly definition: Record<string, Node>;
  /** Environment and secrets as the process sees them (secrets as samples). */
  readonly environment: Record<string, string>;
  readonly secretNames: readonly string[];
  readonly evaluated: Record<string, unknown>;
}

export function containersOf(key: StackKey, parameters: Record<string, string> = {}): Container[] {
  const scope = scopeOf(key, parameters);
  return Object.entries(scope.template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::ECS::TaskDefinition')
    .flatMap(([logicalId, resource]) =>
      (resource.Properties?.['ContainerDefinitions'] as Record<string, Node>[]).map((definition) => {
        const evaluated = evaluate(definition, scope) as Record<string, unknown>;
        const variables = (evaluated['Environment'] ?? []) as { Name: string; Value: string }[];
        const secrets = (evaluated['Secrets'] ?? []) as { Name: string; ValueFrom: string }[];
        const environment = Object.fromEntries(variables.map((variable) => [variable.Name, String(variable.Value)]));
        for (const secret of secrets) environment[secret.Name] = sampleSecret(secret.ValueFrom);
        return {
          taskDefinition: logicalId,
          name: String(evaluated['Name']),
          definition,
          environment,
          secretNames: secrets.map((secret) => secret.Name),
          evaluated,
        };
      }),
    );
}

/** What ECS would inject for a secret reference: a password, a user, or the verification key. */
function sampleSecret(valueFrom: string): string {
  if (valueFrom === SAMPLE.verificationKeySecretArn) return SAMPLE.publicKeyPem;
  return valueFrom.endsWith(':password::') ? SAMPLE.secretPassword : SAMPLE.secretUser;
}

export function containerNamed(key: StackKey, name: string, parameters: Record<string, string> = {}): Container {
  const container = containersOf(key, parameters).find((candidate) => candidate.name === name);
  if (!container) throw new Error(`no container ${name} in the ${key} stack`);
  return container;
}

export function readRepositoryFile(file: string): string {
  return readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8');
}
