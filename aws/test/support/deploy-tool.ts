/**
 * `npm run aws -- …` run as a user would, with the AWS CLI, docker and git replaced by
 * fake-cli.js on a PATH of their own: a workspace per run (its PATH, call log and fake state),
 * the tool run in it, and the calls it made, read back. Nothing reaches AWS.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPOSITORY_ROOT, STACKS, stackName } from '../../scripts/lib/stacks';
import { templateOf } from './templates';

const TSX = path.join(REPOSITORY_ROOT, 'node_modules/tsx/dist/cli.mjs');
const FAKE_CLI = path.join(__dirname, 'fake-cli.js');
export const ENVIRONMENT = 'ecom';

export interface Workspace {
  readonly dir: string;
  readonly bin: string;
  readonly log: string;
  readonly state: string;
}

function createWorkspace(programs: readonly string[], state: object): Workspace {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecom-aws-tool-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, path.join(bin, 'node'));
  for (const program of programs) {
    const wrapper = path.join(bin, program);
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_CLI}" ${program} "$@"\n`);
    chmodSync(wrapper, 0o755);
  }
  const workspace = { dir, bin, log: path.join(dir, 'calls.jsonl'), state: path.join(dir, 'state.json') };
  writeFileSync(workspace.log, '');
  writeFileSync(workspace.state, JSON.stringify({ deployed: [], parameters: {}, outputs: fakeOutputs(), ...state }));
  return workspace;
}

/**
 * A factory of workspaces for one test file: each one has the fake `programs` on its PATH and the
 * fake CLI's `state`; all are removed after the file's tests.
 */
export function useWorkspaces(): (programs: readonly string[], state?: object) => Workspace {
  const workspaces: Workspace[] = [];
  afterAll(() => workspaces.forEach((w) => rmSync(w.dir, { recursive: true, force: true })));
  return (programs, state = {}) => {
    const created = createWorkspace(programs, state);
    workspaces.push(created);
    return created;
  };
}

/** Every stack's outputs, as `fake-<Output>` unless a value's shape matters to the tool. */
function fakeOutputs(): Record<string, Record<string, string>> {
  const special: Record<string, string> = {
    ApiUrl: 'http://ecom-alb-1234.eu-west-1.elb.amazonaws.com',
    ClusterName: ENVIRONMENT,
    ImageRegistry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    PrivateSubnetIds: 'subnet-a,subnet-b',
    KafkaClusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/ecom-kafka/uuid-1',
  };
  return Object.fromEntries(
    STACKS.map((stack) => [
      stackName(ENVIRONMENT, stack.key),
      Object.fromEntries(
        Object.keys(templateOf(stack.key).Outputs ?? {}).map((key) => [
          key,
          special[key] ??
            (key.endsWith('RepositoryUri')
              ? `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecom/${key}`
              : `fake-${key}`),
        ]),
      ),
    ]),
  );
}

export function runTool(workspace: Workspace, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, '--tsconfig', 'aws/tsconfig.json', 'aws/scripts/aws.ts', ...args], {
      cwd: REPOSITORY_ROOT,
      env: {
        PATH: workspace.bin,
        HOME: workspace.dir,
        AWS_REGION: 'eu-west-1',
        FAKE_CLI_LOG: workspace.log,
        FAKE_CLI_STATE: workspace.state,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

export const callsOf = (workspace: Workspace): string[][] =>
  readFileSync(workspace.log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);

export const optionOf = (call: readonly string[], name: string) => call[call.indexOf(name) + 1];
export const overridesOf = (call: readonly string[]) =>
  Object.fromEntries(
    call
      .slice(call.indexOf('--parameter-overrides') + 1)
      .filter((arg) => /^\w+=/.test(arg))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
