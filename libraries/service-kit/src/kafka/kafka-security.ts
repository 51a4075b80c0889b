import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { ConfigError } from '../config/env';
import type { kafkaSaslMechanisms } from '../config/env-vars';

/** The security variables of `kafkaEnv`, as parsed (a service's config carries them among its own). */
export interface KafkaSecurityEnv {
  readonly KAFKA_SSL?: boolean | undefined;
  readonly KAFKA_SASL_MECHANISM: (typeof kafkaSaslMechanisms)[number];
  readonly KAFKA_SASL_USERNAME?: string | undefined;
  readonly KAFKA_SASL_PASSWORD?: string | undefined;
  readonly AWS_REGION?: string | undefined;
}

/** What `createKafka` takes for TLS and SASL; empty for the local broker (plain TCP). */
export interface KafkaSecurity {
  readonly ssl?: KafkaConfig['ssl'];
  readonly sasl?: SASLOptions;
}

/** Signs an Amazon MSK IAM token: `generateAuthToken` of `aws-msk-iam-sasl-signer-js`, or a fake in tests. */
export type MskTokenSigner = (options: { region: string }) => Promise<{ token: string; expiryTime: number }>;

/**
 * The one place where the Kafka security variables become kafkajs options:
 * - nothing set → `{}`: plain TCP, no authentication (the local broker, exactly as before);
 * - `KAFKA_SASL_MECHANISM=aws-msk-iam` → TLS and SASL/OAUTHBEARER whose token is signed for
 *   `AWS_REGION` with the task's own AWS credentials (Amazon MSK with IAM access control);
 * - `plain` / `scram-sha-256` / `scram-sha-512` → that mechanism with `KAFKA_SASL_USERNAME` and
 *   `KAFKA_SASL_PASSWORD` (other managed clusters);
 * - `KAFKA_SSL` turns TLS on or off explicitly.
 * Throws a ConfigError naming each variable that is missing or contradicts another.
 */
export function kafkaSecurity(
  env: KafkaSecurityEnv,
  signMskToken: MskTokenSigner = signWithTaskCredentials,
): KafkaSecurity {
  const mechanism = env.KAFKA_SASL_MECHANISM;
  const problems: string[] = [];
  if (mechanism === 'aws-msk-iam') {
    if (!env.AWS_REGION) problems.push('AWS_REGION: is required when KAFKA_SASL_MECHANISM is aws-msk-iam');
    if (env.KAFKA_SSL === false)
      problems.push('KAFKA_SSL: must not be false with aws-msk-iam (MSK takes IAM over TLS only)');
  }
  const needsPassword = mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512';
  if (needsPassword && !env.KAFKA_SASL_USERNAME) {
    problems.push(`KAFKA_SASL_USERNAME: is required when KAFKA_SASL_MECHANISM is ${mechanism}`);
  }
  if (needsPassword && !env.KAFKA_SASL_PASSWORD) {
    problems.push(`KAFKA_SASL_PASSWORD: is required when KAFKA_SASL_MECHANISM is ${mechanism}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const ssl = env.KAFKA_SSL ?? mechanism === 'aws-msk-iam';
  const sasl = saslOptions(env, signMskToken);
  return Object.freeze({ ...(ssl ? { ssl: true } : {}), ...(sasl ? { sasl } : {}) });
}

function saslOptions(env: KafkaSecurityEnv, signMskToken: MskTokenSigner): SASLOptions | undefined {
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  switch (env.KAFKA_SASL_MECHANISM) {
    case 'none':
      return undefined;
    case 'aws-msk-iam': {
      const region = env.AWS_REGION ?? '';
      // kafkajs asks for a token on every (re)authentication; MSK tokens live 15 minutes.
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => ({ value: (await signMskToken({ region })).token }),
      };
    }
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/** Loaded on first use only, so processes that never talk to MSK never load the AWS SDK. */
async function signWithTaskCredentials(options: { region: string }) {
  const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
  return generateAuthToken(options);
}
