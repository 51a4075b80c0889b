/**
 * The PyPI tools of the offline checks (cfn-lint, checkov, moto), installed by
 * infrastructure/python/python-tools.sh into the cache (`npm test` does it before Jest runs).
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPOSITORY_ROOT } from '../../scripts/lib/stacks';

const execFileAsync = promisify(execFile);

export const PYTHON_TOOLS = path.join(REPOSITORY_ROOT, 'infrastructure/python/python-tools.sh');

let binDir: Promise<string> | undefined;

/** The directory of the tools' executables (installs them first when they are missing). */
export function pythonToolsBinDir(): Promise<string> {
  binDir ??= execFileAsync('bash', [PYTHON_TOOLS, 'bin-dir'], { maxBuffer: 10_000_000 }).then(({ stdout }) =>
    stdout.trim().split('\n').pop()!.trim(),
  );
  return binDir;
}

/** The Python of moto's own virtualenv (boto3 and moto importable). */
export async function motoPython(): Promise<string> {
  const motoServer = realpathSync(path.join(await pythonToolsBinDir(), 'moto_server'));
  return path.join(path.dirname(motoServer), 'python');
}

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one of the tools; never rejects on a non-zero exit (the test looks at the code). */
export async function runTool(executable: string, args: readonly string[], cwd = REPOSITORY_ROOT): Promise<ToolResult> {
  const file = path.isAbsolute(executable) ? executable : path.join(await pythonToolsBinDir(), executable);
  try {
    const { stdout, stderr } = await execFileAsync(file, [...args], { cwd, maxBuffer: 50_000_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The resource types moto's CloudFormation can create (its own models, without our additions). */
export async function motoCloudFormationTypes(): Promise<Set<string>> {
  const script =
    'import json; from moto.cloudformation import parsing; print(json.dumps(sorted(parsing.get_model_map())))';
  const { code, stdout, stderr } = await runTool(await motoPython(), ['-c', script]);
  if (code !== 0) throw new Error(`could not list moto's CloudFormation models: ${stderr}`);
  return new Set(JSON.parse(stdout) as string[]);
}
