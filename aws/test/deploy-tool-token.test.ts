/**
 * Tokens for the deployed gateway: `npm run aws -- token` prints one alone on stdout, signed with
 * the environment's private key from Secrets Manager, with the issuer and audience the gateway
 * checks; the ECS load-test task gets an admin token as a container override, which no log line
 * and no command line shows. Verified with the gateway's own verifier (@ecom/auth).
 */
import { createTokenVerifier, generateRsaKeyPair } from '@ecom/auth';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { STACKS, stackName } from '../scripts/lib/stacks';
import { ENVIRONMENT, callsOf, optionOf, runTool, useWorkspaces, type Workspace } from './support/deploy-tool';

const SERVICES = stackName(ENVIRONMENT, 'services');

describe('the aws tool: tokens for the deployed gateway', () => {
  const workspace = useWorkspaces();
  let keys: { privateKeyPem: string; publicKeyPem: string };
  let deployed: object;

  beforeAll(async () => {
    keys = await generateRsaKeyPair();
    deployed = {
      deployed: STACKS.filter((stack) => stack.key !== 'scaling').map((stack) => stackName(ENVIRONMENT, stack.key)),
      containers: ['fetch-scripts', 'k6', 'upload-results'],
      parameters: { [SERVICES]: { AuthEnabled: 'true', AuthIssuer: 'ecom-platform', AuthAudience: 'ecom-api-test' } },
      secrets: { 'ecom/auth/signing-key': { ARN: 'arn:signing', SecretString: keys.privateKeyPem } },
    };
  });

  const verify = (token: string) =>
    createTokenVerifier({
      key: { algorithm: 'RS256', publicKeyPem: keys.publicKeyPem },
      issuer: 'ecom-platform',
      audience: 'ecom-api-test',
      clockToleranceSeconds: 0,
      cacheSize: 0,
    })(token);

  it.each([
    [['--role', 'admin'], { userId: 1, role: 'admin' }],
    [['--role', 'admin', '--user', '7'], { userId: 7, role: 'admin' }],
    [['--user', '42'], { userId: 42, role: 'customer' }],
  ])('when a token is asked with %j, then stdout is that token alone, which the gateway accepts', async (args, who) => {
    const result = await runTool(workspace(['aws'], deployed), ['token', ...args]);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    await expect(verify(result.output.trim())).resolves.toEqual(who);
  });

  it('when --ttl is given, then the token expires that many seconds after it was issued', async () => {
    const result = await runTool(workspace(['aws'], deployed), ['token', '--role', 'admin', '--ttl', '120']);
    const payload = JSON.parse(Buffer.from(result.output.trim().split('.')[1] ?? '', 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(payload.exp - payload.iat).toBe(120);
  });

  it.each([
    [['token'], /token: say --role or --user/],
    [['token', '--role', 'customer'], /token: a customer needs --user <id>/],
    [['token', '--role', 'root'], /token: --role must be customer or admin/],
    [['token', '--user', '0'], /token: --user must be a positive whole number, got "0"/],
    [['token', '--user=-3'], /token: --user must be a positive whole number, got "-3"/],
    [['token', '--user', '-3'], /Option '--user' argument is ambiguous/],
    [['token', '--out', 'file'], /Unknown option '--out'/],
    [['token', '--role', 'admin', '--ttl', '1.5'], /token: --ttl must be a positive whole number, got "1\.5"/],
  ])('when %j is asked, then it stops with the usage, as npm run token would', async (args, message) => {
    const fake = workspace(['aws'], deployed);
    const result = await runTool(fake, args);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(message);
    expect(result.output).toMatch(/usage: npm run aws -- <command>/);
    expect(callsOf(fake)).toEqual([]);
  });

  it('when the gateway runs without auth, then it says no token is needed', async () => {
    const fake = workspace(['aws'], { ...deployed, parameters: { [SERVICES]: { AuthEnabled: 'false' } } });
    const result = await runTool(fake, ['token', '--role', 'admin']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/runs without auth \(services\.AuthEnabled=false\): no token needed/);
  });

  describe('when a load test runs on ECS', () => {
    let fake: Workspace;
    let result: { code: number; output: string };
    beforeAll(async () => {
      fake = workspace(['aws'], deployed);
      result = await runTool(fake, [
        'loadtest',
        '--scenario',
        'smoke',
        '--results-dir',
        path.join(fake.dir, 'results'),
      ]);
    }, 60_000);
    const runTask = () => callsOf(fake).find((call) => call[2] === 'run-task') ?? [];
    const k6Environment = () => {
      const overrides = JSON.parse(optionOf(runTask(), '--overrides') ?? '{}') as {
        containerOverrides: { name: string; environment: { name: string; value: string }[] }[];
      };
      const k6 = overrides.containerOverrides.find((container) => container.name === 'k6');
      return Object.fromEntries((k6?.environment ?? []).map(({ name, value }) => [name, value]));
    };

    it('then the k6 container gets an admin token the gateway accepts, as a container override', async () => {
      expect(result.code).toBe(0);
      const token = k6Environment()['API_TOKEN'] ?? '';
      await expect(verify(token)).resolves.toEqual({ userId: 1, role: 'admin' });
    });

    it('then the token is in no log line and no command line (the overrides go in a private file)', () => {
      const token = k6Environment()['API_TOKEN'] ?? '';
      expect(token.length).toBeGreaterThan(100);
      expect(result.output).not.toContain(token);
      expect(result.output).not.toContain(token.split('.')[2]);
      const state = JSON.parse(readFileSync(fake.state, 'utf8')) as { fileOptions?: string[] };
      expect(state.fileOptions).toContain('--overrides');
    });
  });
});
