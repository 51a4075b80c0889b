/**
 * The AWS deployment tool: `npm run aws -- <command> [options]` (see aws/README.md).
 *
 *   deploy     foundation → images to ECR → network → data → services (one-off tasks in between)
 *              → scaling → loadtest; prints the API's URL
 *   loadtest   runs the k6 suite as an ECS task against the load balancer, results to S3 and
 *              performance-tests/results/aws/; with --tier, the scaling experiment of one tier
 *   teardown   deletes every stack, newest first
 *   token      prints a bearer token for the deployed gateway
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { PrerequisiteError, UsageError } from './lib/aws-cli';
import { DEFAULT_JOB_TIMEOUT_SECONDS, deploy } from './lib/deploy';
import { loadTest } from './lib/loadtest';
import { LOADTEST_OPTIONS, LOADTEST_USAGE, parseLoadTestOptions } from './lib/loadtest-options';
import { STACKS, type StackKey } from './lib/stacks';
import { teardown } from './lib/teardown';
import { parseTokenOptions, printToken } from './lib/token';

const USAGE = `usage: npm run aws -- <command> [options]

commands:
  deploy     [--image-tag TAG] [--no-autoscaling] [--param STACK.Name=value ...]
             [--job-timeout SECONDS]   each one-off task, default ${DEFAULT_JOB_TIMEOUT_SECONDS}
${LOADTEST_USAGE}
  teardown   --yes [--only STACK,...] [--delete-snapshot]
  token      [--role customer|admin] [--user ID] [--ttl SECONDS]   a customer (the default) needs
             --user; an admin is user 1 unless --user says otherwise; --ttl default 3600

options of every command:
  --env NAME       environment (stack prefix), default "ecom"
  --region REGION  default: AWS_REGION, AWS_DEFAULT_REGION or the AWS CLI's configured region

stacks: ${STACKS.map((stack) => stack.key).join(', ')}`;

/** parseArgs' declarations of every command's options (each command reads its own). */
const OPTIONS = {
  env: { type: 'string', default: 'ecom' },
  region: { type: 'string' },
  'image-tag': { type: 'string' },
  'no-autoscaling': { type: 'boolean', default: false },
  param: { type: 'string', multiple: true, default: [] as string[] },
  'job-timeout': { type: 'string' },
  ...LOADTEST_OPTIONS,
  only: { type: 'string' },
  yes: { type: 'boolean', default: false },
  'delete-snapshot': { type: 'boolean', default: false },
  role: { type: 'string' },
  user: { type: 'string' },
  ttl: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

/** parseArgs over every option; an unknown option or a missing value is a usage error. */
function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
}

type Values = ReturnType<typeof parseCommandLine>['values'];
/** What every command takes: the environment and the region. */
interface Common {
  readonly environment: string;
  readonly region?: string;
}
type Command = (values: Values, common: Common, argv: readonly string[]) => Promise<void>;

const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['deploy', runDeploy],
  [
    'loadtest',
    (values, common, argv) =>
      loadTest({ ...common, ...parseLoadTestOptions(values, `npm run aws -- ${argv.join(' ')}`) }),
  ],
  ['teardown', runTeardown],
  ['token', (values, common) => printToken({ ...common, ...parseTokenOptions(values) })],
]);

async function main(argv: readonly string[]): Promise<void> {
  const { positionals, values } = parseCommandLine(argv);
  const [command, ...extra] = positionals;
  if (values.help || command === undefined) throw new UsageError('');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (!/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/.test(values.env))
    throw new UsageError(`--env ${values.env}: lowercase letters, digits, dashes`);
  const run = COMMANDS.get(command);
  if (!run) throw new UsageError(`unknown command: ${command}`);
  return run(values, { environment: values.env, ...(values.region ? { region: values.region } : {}) }, argv);
}

function runDeploy(values: Values, common: Common): Promise<void> {
  return deploy({
    ...common,
    ...(values['image-tag'] ? { imageTag: values['image-tag'] } : {}),
    autoscaling: !values['no-autoscaling'],
    parameters: parseParameters(values.param),
    jobTimeoutSeconds: parseSeconds(values['job-timeout'], DEFAULT_JOB_TIMEOUT_SECONDS, '--job-timeout'),
  });
}

async function runTeardown(values: Values, common: Common): Promise<void> {
  const only = parseStacks(values.only);
  if (!values.yes) await confirm(common.environment);
  return teardown({ ...common, only, deleteSnapshot: values['delete-snapshot'] });
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

function parseSeconds(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (!Number.isSafeInteger(seconds) || seconds < 1)
    throw new UsageError(`${option} ${value}: whole seconds, at least 1`);
  return seconds;
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
