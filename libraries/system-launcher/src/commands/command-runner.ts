import { spawn } from 'node:child_process';
import { REPOSITORY_ROOT } from '../repository-root';
import { createLinePrefixer } from './line-prefixer';

export interface CommandOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Default: the repository's root. */
  readonly cwd?: string;
  /**
   * What of the command's output appears on ours as it comes: nothing (the default; the tail of
   * its stderr goes into the error instead), its progress on stderr (the infrastructure scripts,
   * whose stdout is their answer), or everything (a migration's log).
   */
  readonly show?: 'nothing' | 'stderr' | 'everything';
  /** In front of every line shown. */
  readonly prefix?: string;
}

/** Runs a command to completion and resolves with its stdout; rejects naming how it ended. */
export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<string> {
  const { show = 'nothing', prefix } = options;
  const showStderr = show === 'nothing' ? undefined : createLinePrefixer(process.stderr, prefix);
  const showStdout = show === 'everything' ? createLinePrefixer(process.stdout, prefix) : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd ?? REPOSITORY_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderrTail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      showStdout?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-2_000);
      showStderr?.(chunk);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      const why = showStderr || !stderrTail ? '' : `: ${stderrTail.trim()}`;
      reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})${why}`));
    });
  });
}
