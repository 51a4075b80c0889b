/** Stack operations the three commands share: deploy, read outputs, delete. */
import path from 'node:path';
import { z } from 'zod';
import { parseOutput, step, type AwsCli } from './aws-cli';
import { TEMPLATES_DIR, stackName, type StackKey, type StackPlan } from './stacks';

const stackDescriptionSchema = z.object({
  StackStatus: z.string(),
  Outputs: z.array(z.object({ OutputKey: z.string(), OutputValue: z.string() })).optional(),
  Parameters: z.array(z.object({ ParameterKey: z.string(), ParameterValue: z.string() })).optional(),
});
const describeStacksSchema = z.object({ Stacks: z.array(stackDescriptionSchema) });
const stackEventsSchema = z.object({
  StackEvents: z.array(
    z.object({
      LogicalResourceId: z.string(),
      ResourceStatus: z.string(),
      ResourceStatusReason: z.string().optional(),
    }),
  ),
});

export type StackDescription = z.infer<typeof stackDescriptionSchema>;

/**
 * The states of a stack that holds no resource and that CloudFormation cannot update: the deploy
 * deletes it and creates it anew (prepareStack), so until then it counts as no stack at all (its
 * parameters are those of a creation that never happened).
 */
const RECREATED_STATES: ReadonlyMap<string, string> = new Map([
  ['ROLLBACK_COMPLETE', 'its first creation failed'],
  ['REVIEW_IN_PROGRESS', 'its first change set was made but never carried out (it failed, or the deploy stopped)'],
]);

/** True when the deploy will delete `stack` and create it again (ROLLBACK_COMPLETE, REVIEW_IN_PROGRESS). */
export const isToBeRecreated = (stack: StackDescription | undefined): boolean =>
  stack !== undefined && RECREATED_STATES.has(stack.StackStatus);

export async function describeStack(cli: AwsCli, name: string): Promise<StackDescription | undefined> {
  const args = ['cloudformation', 'describe-stacks', '--stack-name', name];
  const result = await cli.attempt(args);
  if (result.code !== 0) {
    if (/does not exist/.test(result.stderr)) return undefined;
    throw new Error(`aws cloudformation describe-stacks ${name} failed: ${result.stderr.trim()}`);
  }
  return parseOutput(describeStacksSchema, result.stdout, args).Stacks[0];
}

/** The outputs of a deployed stack; fails naming the command to run when it is not deployed. */
export async function stackOutputs(cli: AwsCli, environment: string, key: StackKey): Promise<Record<string, string>> {
  const name = stackName(environment, key);
  const stack = await describeStack(cli, name);
  if (!stack) throw new Error(`stack ${name} is not deployed: run \`npm run aws -- deploy\` first`);
  return Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
}

/**
 * The parameters a deployed stack runs with (CloudFormation lists defaults too); empty when not
 * deployed, or when the deploy will create it anew (isToBeRecreated: nothing runs with them).
 */
export async function stackParameters(
  cli: AwsCli,
  environment: string,
  key: StackKey,
): Promise<Record<string, string>> {
  const stack = await describeStack(cli, stackName(environment, key));
  if (isToBeRecreated(stack)) return {};
  return Object.fromEntries((stack?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
}

/** Where the templates of the stacks after the foundation are uploaded (the foundation's bucket). */
export interface TemplateUpload {
  readonly bucket: string;
}

/**
 * `aws cloudformation deploy`: creates or updates through a change set and waits. Parameters not
 * passed keep their previous value on an update (their default on a create). Every template but
 * the foundation's is uploaded to the templates bucket first (`--s3-bucket`): CloudFormation
 * takes at most 51,200 bytes inline. A stack left in ROLLBACK_COMPLETE is deleted first.
 */
export async function deployStack(
  cli: AwsCli,
  environment: string,
  stack: StackPlan,
  parameters: Readonly<Record<string, string>>,
  upload?: TemplateUpload,
): Promise<Record<string, string>> {
  const name = stackName(environment, stack.key);
  if (!stack.inline && !upload) throw new Error(`stack ${name}: its template goes through the templates bucket`);
  await prepareStack(cli, name);
  const overrides = Object.entries(parameters).map(([key, value]) => `${key}=${value}`);
  step(`deploying stack ${name} (${stack.summary}); this waits until CloudFormation is done`);
  await cli.text([
    'cloudformation',
    'deploy',
    '--stack-name',
    name,
    '--template-file',
    path.join(TEMPLATES_DIR, stack.template),
    ...(upload ? ['--s3-bucket', upload.bucket, '--s3-prefix', `templates/${stack.key}`] : []),
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

/**
 * A stack CloudFormation cannot update: ROLLBACK_COMPLETE (its creation failed and was rolled
 * back) and REVIEW_IN_PROGRESS (created by a change set never carried out) hold no resources and
 * are deleted, with the reasons of the failure, so the deploy creates them anew; a stack in the
 * middle of an operation, or whose rollback failed, stops the deploy with what to do.
 */
async function prepareStack(cli: AwsCli, name: string): Promise<void> {
  const status = (await describeStack(cli, name))?.StackStatus;
  if (status === undefined) return;
  const events = `aws cloudformation describe-stack-events --stack-name ${name} --region ${cli.region}`;
  const why = RECREATED_STATES.get(status);
  if (why !== undefined) {
    const reasons = await creationFailures(cli, name);
    step(
      `stack ${name} is in ${status}: ${why} (${reasons || 'see its events'}) and CloudFormation cannot ` +
        'update such a stack. Deleting it (it holds no resources) and creating it again.',
    );
    await cli.text(['cloudformation', 'delete-stack', '--stack-name', name]);
    const waited = await cli.attempt(['cloudformation', 'wait', 'stack-delete-complete', '--stack-name', name]);
    if (waited.code !== 0) throw new Error(`stack ${name} could not be deleted (${waited.stderr.trim()}); ${events}`);
    return;
  }
  if (status.endsWith('_IN_PROGRESS')) {
    throw new Error(`stack ${name} is busy (${status}): wait until it ends (${events}), then deploy again`);
  }
  if (status.endsWith('_FAILED')) {
    throw new Error(
      `stack ${name} is in ${status} and cannot be updated: see ${events}; for UPDATE_ROLLBACK_FAILED, ` +
        `\`aws cloudformation continue-update-rollback --stack-name ${name}\`, then deploy again`,
    );
  }
}

/** The reasons of the resources that failed to be created, from the stack's events. */
async function creationFailures(cli: AwsCli, name: string): Promise<string> {
  const args = ['cloudformation', 'describe-stack-events', '--stack-name', name];
  const result = await cli.attempt(args);
  if (result.code !== 0) return '';
  const { StackEvents } = parseOutput(stackEventsSchema, result.stdout, args);
  return StackEvents.filter((event) => event.ResourceStatus === 'CREATE_FAILED' && event.LogicalResourceId !== name)
    .map((event) => `${event.LogicalResourceId}: ${event.ResourceStatusReason ?? 'no reason given'}`)
    .slice(0, 3)
    .join('; ');
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
