/**
 * Thin wrappers over the AWS CLI and the other programs the deploy tool drives. Every call names
 * the region and asks for JSON; a missing program or credential stops the tool with a message
 * that says what is missing and how to get it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * The command line is wrong: printed with the usage, exit code 2. The class of `@ecom/auth`, so
 * that its token arguments' mistakes (parseTokenArguments) are this tool's usage errors too.
 */
export { UsageError } from '@ecom/auth';

/** A prerequisite is missing: printed as it is, without a stack trace. */
export class PrerequisiteError extends Error {
  override readonly name = 'PrerequisiteError';
}

export function step(message: string): void {
  console.log(`[aws] ${message}`);
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string;
  readonly cwd?: string;
  /** Show the program's output live (docker build and push) instead of capturing it. */
  readonly inherit?: boolean;
}

/** Runs a program; resolves with its exit code and output, rejects only when it cannot start. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', options.inherit ? 'inherit' : 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.inherit) process.stderr.write(chunk);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Fails with `hint` when `command` is not installed (not on PATH). */
export async function requireProgram(command: string, versionArgs: readonly string[], hint: string): Promise<string> {
  try {
    const result = await run(command, versionArgs);
    if (result.code !== 0)
      throw new PrerequisiteError(`${command} is installed but does not work: ${result.stderr.trim()}\n${hint}`);
    return (result.stdout || result.stderr).trim();
  } catch (error) {
    if (error instanceof PrerequisiteError) throw error;
    throw new PrerequisiteError(`${command} is not installed (not found on PATH).\n${hint}`);
  }
}

/** Runs `use` with a file only this user can read holding `content`, removed afterwards. */
export async function withPrivateFile<T>(content: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ecom-aws-'));
  const file = path.join(dir, 'input.json');
  try {
    await writeFile(file, content, { mode: 0o600 });
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export class AwsCli {
  constructor(readonly region: string) {}

  /** `aws <args> --region R --output json`, parsed; throws with the CLI's own message on failure. */
  async json<T = unknown>(args: readonly string[]): Promise<T> {
    const text = await this.text(args);
    return (text.trim() === '' ? {} : JSON.parse(text)) as T;
  }

  async text(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const result = await run('aws', [...args, '--region', this.region, '--output', 'json'], options);
    if (result.code !== 0) throw new Error(`aws ${args.slice(0, 2).join(' ')} failed: ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** `aws <args>`, its output checked against `schema`; throws on a failure or an unexpected shape. */
  async parse<T>(args: readonly string[], schema: z.ZodType<T>): Promise<T> {
    return parseOutput(schema, await this.text(args), args);
  }

  /** Like `text`, but a failure is returned instead of thrown (for "does it exist?" questions). */
  async attempt(args: readonly string[]): Promise<RunResult> {
    return run('aws', [...args, '--region', this.region, '--output', 'json']);
  }
}

/** The CLI's JSON `stdout` of `args`, checked against `schema`: an unexpected shape fails naming the command. */
export function parseOutput<T>(schema: z.ZodType<T>, stdout: string, args: readonly string[]): T {
  const parsed = schema.safeParse(stdout.trim() === '' ? {} : JSON.parse(stdout));
  if (!parsed.success) {
    throw new Error(`aws ${args.slice(0, 2).join(' ')} answered unexpectedly: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * Checks what every command needs: the AWS CLI, a region and working credentials. Returns a CLI
 * bound to the region and the account it will act on.
 */
export async function connect(regionOption: string | undefined): Promise<{ cli: AwsCli; account: string }> {
  await requireProgram(
    'aws',
    ['--version'],
    'Install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html).',
  );
  const region =
    regionOption ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? (await configuredRegion());
  if (!region) {
    throw new PrerequisiteError(
      'No AWS region: pass --region, set AWS_REGION, or run `aws configure set region <region>`.',
    );
  }
  const cli = new AwsCli(region);
  const identity = await cli.attempt(['sts', 'get-caller-identity']);
  if (identity.code !== 0) {
    throw new PrerequisiteError(
      `No usable AWS credentials (aws sts get-caller-identity: ${identity.stderr.trim()}).\n` +
        'Configure them with `aws configure`, `aws sso login` or AWS_PROFILE, then try again.',
    );
  }
  const { Account: account } = parseOutput(z.object({ Account: z.string() }), identity.stdout, [
    'sts',
    'get-caller-identity',
  ]);
  return { cli, account };
}

async function configuredRegion(): Promise<string | undefined> {
  const result = await run('aws', ['configure', 'get', 'region']);
  return result.code === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}
