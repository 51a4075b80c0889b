import { z } from 'zod';
import { ConfigError, env, parseEnv } from '@ecom/service-kit/config';
import { kafkaSecurity, type MskTokenSigner } from '@ecom/service-kit/kafka';

/** The Kafka variables exactly as a service's config reads them (the kit's `kafkaEnv`). */
const parseKafkaEnv = (variables: Record<string, string>) => parseEnv(z.object(env.kafkaEnv), variables);

const securityOf = (variables: Record<string, string>, signer?: MskTokenSigner) =>
  kafkaSecurity(parseKafkaEnv(variables), signer);

function configProblems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.split(':')[0] ?? problem);
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('kafkaSecurity: Kafka TLS and SASL from the environment', () => {
  it('when no security variable is set, then the client stays on plain TCP without SASL (the local broker)', () => {
    const security = securityOf({ KAFKA_BROKERS: '127.0.0.1:9092' });

    expect(security).toEqual({});
    expect('ssl' in security).toBe(false);
    expect('sasl' in security).toBe(false);
  });

  it('when the mechanism is aws-msk-iam with a region, then TLS is on and SASL is OAUTHBEARER', () => {
    const security = securityOf({ KAFKA_SASL_MECHANISM: 'aws-msk-iam', AWS_REGION: 'eu-west-1' });

    expect(security.ssl).toBe(true);
    expect(security.sasl?.mechanism).toBe('oauthbearer');
  });

  it('when kafkajs asks the aws-msk-iam provider for a token, then the signer is called with the region and its token is the value', async () => {
    const signer = jest.fn<ReturnType<MskTokenSigner>, Parameters<MskTokenSigner>>(async () => ({
      token: 'signed-token',
      expiryTime: Date.now() + 900_000,
    }));
    const { sasl } = securityOf({ KAFKA_SASL_MECHANISM: 'aws-msk-iam', AWS_REGION: 'eu-central-1' }, signer);
    if (sasl?.mechanism !== 'oauthbearer') throw new Error(`expected oauthbearer, got ${sasl?.mechanism}`);

    const first = await sasl.oauthBearerProvider();
    const second = await sasl.oauthBearerProvider();

    expect(first).toEqual({ value: 'signed-token' });
    expect(second).toEqual({ value: 'signed-token' });
    expect(signer).toHaveBeenCalledTimes(2); // a fresh token on every (re)authentication
    expect(signer).toHaveBeenCalledWith({ region: 'eu-central-1' });
  });

  it('when the real signer runs with credentials from the environment, then the token is a presigned kafka-cluster:Connect request for the region', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    delete process.env['AWS_SESSION_TOKEN'];
    delete process.env['AWS_PROFILE'];
    try {
      const { sasl } = securityOf({ KAFKA_SASL_MECHANISM: 'aws-msk-iam', AWS_REGION: 'ap-southeast-2' });
      if (sasl?.mechanism !== 'oauthbearer') throw new Error(`expected oauthbearer, got ${sasl?.mechanism}`);

      const { value } = await sasl.oauthBearerProvider();

      const url = new URL(Buffer.from(value, 'base64url').toString('utf8'));
      expect(url.host).toBe('kafka.ap-southeast-2.amazonaws.com');
      expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(
        /^AKIAIOSFODNN7EXAMPLE\/\d{8}\/ap-southeast-2\/kafka-cluster\/aws4_request$/,
      );
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      process.env = saved;
    }
  });

  it('when aws-msk-iam is asked for without a region, then the error names AWS_REGION', () => {
    expect(configProblems(() => securityOf({ KAFKA_SASL_MECHANISM: 'aws-msk-iam' }))).toEqual(['AWS_REGION']);
  });

  it('when aws-msk-iam is combined with KAFKA_SSL=false, then it is refused (MSK takes IAM over TLS only)', () => {
    const run = () => securityOf({ KAFKA_SASL_MECHANISM: 'aws-msk-iam', AWS_REGION: 'eu-west-1', KAFKA_SSL: 'false' });
    expect(configProblems(run)).toEqual(['KAFKA_SSL']);
  });

  it('when only KAFKA_SSL=true is set, then TLS is on without SASL', () => {
    expect(securityOf({ KAFKA_SSL: 'true' })).toEqual({ ssl: true });
  });

  it('when KAFKA_SSL=false is set alone, then the client stays on plain TCP', () => {
    expect(securityOf({ KAFKA_SSL: 'false' })).toEqual({});
  });

  it('when scram-sha-512 comes with a user and password over TLS, then kafkajs gets exactly those', () => {
    const security = securityOf({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'orders',
      KAFKA_SASL_PASSWORD: 's3cret',
      KAFKA_SSL: 'true',
    });
    expect(security).toEqual({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'orders', password: 's3cret' },
    });
  });

  it('when plain is asked for without user and password, then the error names both variables', () => {
    expect(configProblems(() => securityOf({ KAFKA_SASL_MECHANISM: 'plain' })).sort()).toEqual([
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SASL_USERNAME',
    ]);
  });

  it('when the mechanism or the TLS flag is not a known value, then the environment is refused naming them', () => {
    const run = () => parseKafkaEnv({ KAFKA_SASL_MECHANISM: 'kerberos', KAFKA_SSL: 'maybe' });
    expect(configProblems(run).sort()).toEqual(['KAFKA_SASL_MECHANISM', 'KAFKA_SSL']);
  });
});
