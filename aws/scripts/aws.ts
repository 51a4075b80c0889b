/**
 * The AWS deployment tool: `npm run aws -- <command> [options]` (see aws/README.md).
 *
 *   deploy     foundation → images to ECR → network → data → services (one-off tasks in between)
 *              → scaling → loadtest; prints the API's URL
 *   loadtest   runs the k6 suite as an ECS task against the load balancer, results to S3 and
 *              performance-tests/results/aws/
 *   teardown   deletes every stack, newest first
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { PrerequisiteError } from './lib/aws-cli';
import { deploy } from './lib/deploy';
import { loadTest } from './lib/loadtest';
import { K6_SCENARIOS, STACKS, type K6Scenario, type StackKey } from './lib/stacks';
import { teardown } from './lib/teardown';

const USAGE = `usage: npm run aws -- <command> [options]

commands:
  deploy     [--image-tag TAG] [--no-autoscaling] [--param STACK.Name=value ...]
  loadtest   [--scenario ${K6_SCENARIOS.join('|')}] [--instances 1,2,4,8]
  teardown   --yes [--only STACK,...]

options of every command:
  --env NAME       environment (stack prefix), default "ecom"
  --region REGION  default: AWS_REGION, AWS_DEFAULT_REGION or the AWS CLI's configured region

stacks: ${STACKS.map((stack) => stack.key).join(', ')}`;

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      env: { type: 'string', default: 'ecom' },
      region: { type: 'string' },
      'image-tag': { type: 'string' },
      'no-autoscaling': { type: 'boolean', default: false },
      param: { type: 'string', multiple: true, default: [] },
      scenario: { type: 'string', default: 'compare' },
      instances: { type: 'string' },
      only: { type: 'string' },
      yes: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || command === undefined) throw new UsageError('');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (!/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/.test(values.env))
    throw new UsageError(`--env ${values.env}: lowercase letters, digits, dashes`);
  const common = { environment: values.env, ...(values.region ? { region: values.region } : {}) };

  switch (command) {
    case 'deploy':
      return deploy({
        ...common,
        ...(values['image-tag'] ? { imageTag: values['image-tag'] } : {}),
        autoscaling: !values['no-autoscaling'],
        parameters: parseParameters(values.param),
      });
    case 'loadtest':
      return loadTest({
        ...common,
        scenario: parseScenario(values.scenario),
        instanceCounts: parseCounts(values.instances),
      });
    case 'teardown': {
      const only = parseStacks(values.only);
      if (!values.yes) await confirm(values.env);
      return teardown({ ...common, only });
    }
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

function parseParameters(entries: readonly string[]): Partial<Record<StackKey, Record<string, string>>> {
  const parameters: Partial<Record<StackKey, Record<string, string>>> = {};
  for (const entry of entries) {
    const match = /^([a-z]+)\.([A-Za-z0-9]+)=(.*)$/.exec(entry);
    const key = match?.[1] as StackKey | undefined;
    if (!match || !key || !STACKS.some((stack) => stack.key === key)) {
      throw new UsageError(
        `--param ${entry}: expected STACK.Name=value with STACK one of ${STACKS.map((s) => s.key).join(', ')}`,
      );
    }
    (parameters[key] ??= {})[match[2] ?? ''] = match[3] ?? '';
  }
  return parameters;
}

function parseScenario(value: string): K6Scenario {
  if (!(K6_SCENARIOS as readonly string[]).includes(value)) {
    throw new UsageError(`--scenario ${value}: one of ${K6_SCENARIOS.join(', ')}`);
  }
  return value as K6Scenario;
}

function parseCounts(value: string | undefined): number[] {
  if (value === undefined) return [];
  const counts = value.split(',').map((item) => Number(item.trim()));
  if (counts.some((count) => !Number.isInteger(count) || count < 1 || count > 16)) {
    throw new UsageError(`--instances ${value}: comma-separated whole numbers from 1 to 16`);
  }
  return counts;
}

function parseStacks(value: string | undefined): StackKey[] {
  if (value === undefined) return [];
  const keys = value.split(',').map((item) => item.trim());
  const unknown = keys.filter((key) => !STACKS.some((stack) => stack.key === key));
  if (unknown.length > 0) throw new UsageError(`--only: unknown stack(s) ${unknown.join(', ')}`);
  return keys as StackKey[];
}

async function confirm(environment: string): Promise<void> {
  if (!process.stdin.isTTY) throw new UsageError('teardown deletes every resource: pass --yes to confirm');
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(`Type the environment name (${environment}) to delete its stacks: `);
  prompt.close();
  if (answer.trim() !== environment) throw new UsageError('not confirmed; nothing deleted');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    if (error.message) console.error(`[aws] ${error.message}\n`);
    console.error(USAGE);
    process.exit(2);
  }
  if (error instanceof PrerequisiteError) {
    console.error(`[aws] cannot start: ${error.message}`);
    process.exit(1);
  }
  console.error(`[aws] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
