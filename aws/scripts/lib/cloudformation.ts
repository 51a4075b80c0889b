/** Stack operations the three commands share: deploy, read outputs, delete. */
import path from 'node:path';
import { step, type AwsCli } from './aws-cli';
import { TEMPLATES_DIR, stackName, type StackKey, type StackPlan } from './stacks';

export interface StackDescription {
  readonly StackStatus: string;
  readonly Outputs?: readonly { OutputKey: string; OutputValue: string }[];
  readonly Parameters?: readonly { ParameterKey: string; ParameterValue: string }[];
}

export async function describeStack(cli: AwsCli, name: string): Promise<StackDescription | undefined> {
  const result = await cli.attempt(['cloudformation', 'describe-stacks', '--stack-name', name]);
  if (result.code !== 0) {
    if (/does not exist/.test(result.stderr)) return undefined;
    throw new Error(`aws cloudformation describe-stacks ${name} failed: ${result.stderr.trim()}`);
  }
  return (JSON.parse(result.stdout) as { Stacks: StackDescription[] }).Stacks[0];
}

/** The outputs of a deployed stack; fails naming the command to run when it is not deployed. */
export async function stackOutputs(cli: AwsCli, environment: string, key: StackKey): Promise<Record<string, string>> {
  const name = stackName(environment, key);
  const stack = await describeStack(cli, name);
  if (!stack) throw new Error(`stack ${name} is not deployed: run \`npm run aws -- deploy\` first`);
  return Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
}

/** The parameters a deployed stack runs with (CloudFormation lists defaults too); empty when not deployed. */
export async function stackParameters(
  cli: AwsCli,
  environment: string,
  key: StackKey,
): Promise<Record<string, string>> {
  const stack = await describeStack(cli, stackName(environment, key));
  return Object.fromEntries((stack?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
}

/**
 * `aws cloudformation deploy`: creates or updates through a change set and waits. Parameters not
 * passed keep their previous value on an update (their default on a create).
 */
export async function deployStack(
  cli: AwsCli,
  environment: string,
  stack: StackPlan,
  parameters: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const name = stackName(environment, stack.key);
  const overrides = Object.entries(parameters).map(([key, value]) => `${key}=${value}`);
  step(`deploying stack ${name} (${stack.summary}); this waits until CloudFormation is done`);
  await cli.text([
    'cloudformation',
    'deploy',
    '--stack-name',
    name,
    '--template-file',
    path.join(TEMPLATES_DIR, stack.template),
    '--capabilities',
    'CAPABILITY_IAM',
    '--no-fail-on-empty-changeset',
    '--tags',
    'project=ecom-platform',
    `environment=${environment}`,
    ...(overrides.length ? ['--parameter-overrides', ...overrides] : []),
  ]);
  return stackOutputs(cli, environment, stack.key);
}

export async function deleteStack(cli: AwsCli, environment: string, key: StackKey): Promise<void> {
  const name = stackName(environment, key);
  if (!(await describeStack(cli, name))) {
    step(`stack ${name} is not deployed; nothing to delete`);
    return;
  }
  step(`deleting stack ${name}; this waits until CloudFormation is done`);
  await cli.text(['cloudformation', 'delete-stack', '--stack-name', name]);
  const waited = await cli.attempt(['cloudformation', 'wait', 'stack-delete-complete', '--stack-name', name]);
  if (waited.code !== 0) {
    throw new Error(
      `stack ${name} could not be deleted (${waited.stderr.trim()}); its events say why: ` +
        `aws cloudformation describe-stack-events --stack-name ${name} --region ${cli.region}`,
    );
  }
}
