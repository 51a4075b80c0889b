/**
 * The environment's token keys (RS256): generated once by `deploy` with @ecom/auth, kept in two
 * Secrets Manager secrets encrypted with the platform key: `<env>/auth/signing-key` (the private
 * key, read only by this tool to mint tokens) and `<env>/auth/verification-key` (the public key,
 * which ECS hands the gateway as AUTH_RS256_PUBLIC_KEY). Teardown deletes both at once, so their
 * fixed names are free again for the next deploy.
 */
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, generateRsaKeyPair, signToken, type Role } from '@ecom/auth';
import { z } from 'zod';
import { parseOutput, step, withPrivateFile, type AwsCli } from './aws-cli';
import { stackParameters } from './cloudformation';

export const signingKeySecretName = (environment: string) => `${environment}/auth/signing-key`;
export const verificationKeySecretName = (environment: string) => `${environment}/auth/verification-key`;

const secretDescriptionSchema = z.object({
  ARN: z.string(),
  /** Set while the secret waits out its recovery window (the CLI prints a date or epoch seconds). */
  DeletedDate: z.union([z.string(), z.number()]).optional(),
});
const secretValueSchema = z.object({ SecretString: z.string() });

async function describeSecret(cli: AwsCli, name: string): Promise<z.infer<typeof secretDescriptionSchema> | undefined> {
  const args = ['secretsmanager', 'describe-secret', '--secret-id', name];
  const result = await cli.attempt(args);
  if (result.code !== 0) {
    if (/ResourceNotFoundException|can't find the specified secret/.test(result.stderr)) return undefined;
    throw new Error(`aws secretsmanager describe-secret ${name} failed: ${result.stderr.trim()}`);
  }
  const secret = parseOutput(secretDescriptionSchema, result.stdout, args);
  if (secret.DeletedDate !== undefined) {
    throw new Error(
      `the secret ${name} is scheduled for deletion: restore it (\`aws secretsmanager restore-secret --secret-id ${name}\`) ` +
        `or delete it now (\`aws secretsmanager delete-secret --secret-id ${name} --force-delete-without-recovery\`)`,
    );
  }
  return secret;
}

async function createSecret(cli: AwsCli, name: string, value: string, kmsKeyArn: string, environment: string) {
  const created = await withPrivateFile(value, (file) =>
    cli.parse(
      [
        'secretsmanager',
        'create-secret',
        '--name',
        name,
        '--kms-key-id',
        kmsKeyArn,
        '--description',
        `ecom-platform ${environment}: bearer-token key (npm run aws)`,
        '--secret-string',
        `file://${file}`,
        '--tags',
        'Key=project,Value=ecom-platform',
        `Key=environment,Value=${environment}`,
      ],
      z.object({ ARN: z.string() }),
    ),
  );
  return created.ARN;
}

/**
 * The verification key's secret ARN, for the services stack; generates the key pair first when
 * the environment has none (a first deploy), and never replaces one (tokens stay valid).
 */
export async function ensureAuthKeys(cli: AwsCli, environment: string, kmsKeyArn: string): Promise<string> {
  const signing = await describeSecret(cli, signingKeySecretName(environment));
  const verification = await describeSecret(cli, verificationKeySecretName(environment));
  if (signing && verification) {
    step(`token keys: the RS256 key pair in Secrets Manager (${signingKeySecretName(environment)}) is kept`);
    return verification.ARN;
  }
  if (signing || verification) {
    throw new Error(
      `only one of ${signingKeySecretName(environment)} and ${verificationKeySecretName(environment)} exists: ` +
        'delete it (`aws secretsmanager delete-secret --force-delete-without-recovery --secret-id …`) and deploy again',
    );
  }
  step(
    `token keys: generating the environment's RS256 key pair (once): the private key to ` +
      `${signingKeySecretName(environment)}, the public key to ${verificationKeySecretName(environment)}`,
  );
  const { privateKeyPem, publicKeyPem } = await generateRsaKeyPair();
  await createSecret(cli, signingKeySecretName(environment), privateKeyPem, kmsKeyArn, environment);
  return createSecret(cli, verificationKeySecretName(environment), publicKeyPem, kmsKeyArn, environment);
}

/** What a token for the deployed gateway is signed with and says. */
export interface TokenSigner {
  readonly privateKeyPem: string;
  readonly issuer: string;
  readonly audience: string;
}

/** The signer of the deployed environment; undefined when its gateway runs without auth. */
export async function readTokenSigner(cli: AwsCli, environment: string): Promise<TokenSigner | undefined> {
  const parameters = await stackParameters(cli, environment, 'services');
  if (parameters['AuthEnabled'] === 'false') return undefined;
  const name = signingKeySecretName(environment);
  const args = ['secretsmanager', 'get-secret-value', '--secret-id', name];
  const result = await cli.attempt(args);
  if (result.code !== 0) {
    throw new Error(`cannot read the signing key ${name} (deploy first?): ${result.stderr.trim()}`);
  }
  return {
    privateKeyPem: parseOutput(secretValueSchema, result.stdout, args).SecretString,
    issuer: parameters['AuthIssuer'] ?? DEFAULT_ISSUER,
    audience: parameters['AuthAudience'] ?? DEFAULT_AUDIENCE,
  };
}

export function mintToken(
  signer: TokenSigner,
  request: { readonly role: Role; readonly userId: number; readonly ttlSeconds: number },
): Promise<string> {
  return signToken({
    key: { algorithm: 'RS256', privateKeyPem: signer.privateKeyPem },
    issuer: signer.issuer,
    audience: signer.audience,
    ...request,
  });
}

/** Teardown: both secrets, without a recovery window (their names are fixed). */
export async function deleteAuthKeys(cli: AwsCli, environment: string): Promise<void> {
  for (const name of [signingKeySecretName(environment), verificationKeySecretName(environment)]) {
    const result = await cli.attempt([
      'secretsmanager',
      'delete-secret',
      '--secret-id',
      name,
      '--force-delete-without-recovery',
    ]);
    if (result.code === 0) step(`deleted the secret ${name} (token keys)`);
  }
}
