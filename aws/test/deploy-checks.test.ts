/**
 * What `deploy` refuses before it touches anything (aws/scripts/lib/deploy-checks.ts), in-process,
 * and the template side of the domain name: ApiUrl (and so k6's BASE_URL) by DomainName when a
 * certificate is set, the rule that refuses a certificate without one, the Route 53 alias.
 */
import { rdsRegionsInBundle } from '@ecom/service-kit/db';
import { deployRefusals, majorUpgradeNotice, type DeployRequest } from '../scripts/lib/deploy-checks';
import { scopeOf } from './support/task-definitions';
import { condition, evaluate } from './support/templates';

const request = (overrides: Partial<DeployRequest>): DeployRequest => ({
  region: 'eu-west-1',
  deployed: {},
  requested: {},
  ...overrides,
});

describe('the checks before a deploy', () => {
  it('when nothing is deployed yet, then any KafkaMode and MySQL version may be chosen', () => {
    const first = request({ requested: { data: { KafkaMode: 'provisioned', DbEngineVersion: '8.4' } } });
    expect(deployRefusals(first)).toEqual([]);
    expect(majorUpgradeNotice(first)).toBeUndefined();
  });

  it('when the deployed values are asked for again, then nothing is refused', () => {
    const same = { data: { KafkaMode: 'serverless', DbEngineVersion: '8.0' } };
    expect(deployRefusals(request({ deployed: same, requested: same }))).toEqual([]);
  });

  it('when a certificate was deployed with a domain and only the certificate is asked again, then the deployed domain counts', () => {
    const deployed = { services: { CertificateArn: 'arn:cert', DomainName: 'api.example.com' } };
    expect(deployRefusals(request({ deployed, requested: { services: { CertificateArn: 'arn:cert2' } } }))).toEqual([]);
  });

  it('when a hosted zone comes without a domain name, then it is refused', () => {
    const refusals = deployRefusals(request({ requested: { services: { HostedZoneId: 'Z123' } } }));
    expect(refusals).toEqual(['services.HostedZoneId needs services.DomainName (the record to create in it).']);
  });

  it('when the region is one whose RDS authority the bundle lacks, then it is refused with the reason', () => {
    const [refusal] = deployRefusals(request({ region: 'mx-central-1' }));
    expect(refusal).toMatch(
      /^region mx-central-1: its RDS certificate authority \(rds-ca-rsa2048-g1\) is not in the bundle/,
    );
  });

  it('when several things are wrong, then every reason is given at once', () => {
    const refusals = deployRefusals(
      request({
        region: 'il-central-1',
        deployed: { data: { KafkaMode: 'provisioned' } },
        requested: { data: { KafkaMode: 'serverless' }, services: { CertificateArn: 'arn:cert' } },
      }),
    );
    expect(refusals.map((reason) => reason.split(' ')[0])).toEqual([
      'data.KafkaMode',
      'services.CertificateArn',
      'region',
    ]);
  });
});

describe('the services template and the API name', () => {
  const apiUrl = (parameters: Record<string, string>) => {
    const scope = scopeOf('services', parameters);
    return evaluate(scope.template.Outputs?.['ApiUrl']?.Value, scope);
  };

  it('when no domain is given, then ApiUrl is the load balancer over HTTP', () => {
    expect(apiUrl({})).toBe('http://sample-LoadBalancer.DNSName');
  });

  it('when a certificate and its domain are given, then ApiUrl is https on that domain (the load test uses it)', () => {
    expect(apiUrl({ CertificateArn: 'arn:cert', DomainName: 'api.example.com' })).toBe('https://api.example.com');
    expect(apiUrl({ DomainName: 'api.example.com' })).toBe('http://api.example.com');
  });

  it('when a certificate is given without a domain, then the template rule refuses the stack', () => {
    const { template } = scopeOf('services');
    const rules = (
      template as { Rules?: Record<string, { RuleCondition: unknown; Assertions: { Assert: unknown }[] }> }
    ).Rules;
    const rule = rules?.['CertificateNeedsDomainName'];
    const withCertificate = scopeOf('services', { CertificateArn: 'arn:cert' });
    expect(evaluate(rule?.RuleCondition, withCertificate)).toBe(true);
    expect(evaluate(rule?.Assertions[0]?.Assert, withCertificate)).toBe(false);
    expect(
      evaluate(
        rule?.Assertions[0]?.Assert,
        scopeOf('services', { CertificateArn: 'arn:cert', DomainName: 'a.example.com' }),
      ),
    ).toBe(true);
  });

  it('when a hosted zone and a domain are given, then an alias record points the domain at the load balancer', () => {
    const scope = scopeOf('services', { DomainName: 'api.example.com', HostedZoneId: 'Z123' });
    expect(condition('HasDnsRecord', scope)).toBe(true);
    expect(condition('HasDnsRecord', scopeOf('services', { DomainName: 'api.example.com' }))).toBe(false);
    expect(evaluate(scope.template.Resources['ApiDnsRecord']?.Properties, scope)).toEqual({
      HostedZoneId: 'Z123',
      Name: 'api.example.com',
      Type: 'A',
      AliasTarget: {
        DNSName: 'sample-LoadBalancer.DNSName',
        HostedZoneId: 'sample-LoadBalancer.CanonicalHostedZoneID',
        EvaluateTargetHealth: false,
      },
    });
  });
});

describe('the data template and TLS', () => {
  const database = (parameters: Record<string, string>) => {
    const scope = scopeOf('data', parameters);
    return {
      instance: evaluate(scope.template.Resources['Database']?.Properties, scope) as Record<string, unknown>,
      group: evaluate(scope.template.Resources['DatabaseParameterGroup']?.Properties, scope) as Record<string, unknown>,
    };
  };

  it.each([
    ['8.0', 'mysql8.0'],
    ['8.4', 'mysql8.4'],
  ])(
    'when MySQL %s is deployed, then its parameter group (family %s) requires TLS and the instance uses it',
    (version, family) => {
      const { instance, group } = database({ DbEngineVersion: version });
      expect(group).toEqual(expect.objectContaining({ Family: family, Parameters: { require_secure_transport: '1' } }));
      expect(instance).toEqual(
        expect.objectContaining({
          EngineVersion: version,
          DBParameterGroupName: 'sample-DatabaseParameterGroup',
          AllowMajorVersionUpgrade: true,
          CACertificateIdentifier: 'rds-ca-rsa2048-g1',
        }),
      );
    },
  );

  it('when the instance names its certificate authority, then the bundle the services verify with holds it for the sample region', () => {
    expect(rdsRegionsInBundle().has('eu-west-1')).toBe(true);
  });
});
