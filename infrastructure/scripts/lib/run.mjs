// Small helpers for the project's own scripts. No dependencies: these run before `pnpm install`
// (everything after it is @ecom/system-launcher's).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function say(message) {
  process.stderr.write(`[ecom] ${message}\n`);
}

/**
 * Runs a command to completion, streaming its output (prefixed) to ours, and resolves with its
 * stdout. Rejects with the exit code when it fails.
 */
export function run(command, args, { env = process.env, cwd = ROOT, prefix, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!quiet) writePrefixed(process.stdout, prefix, chunk);
    });
    child.stderr.on('data', (chunk) => writePrefixed(process.stderr, prefix, chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

const partialLines = new WeakMap();

/** Writes `chunk` line by line with `prefix` in front; a partial last line waits for the rest. */
function writePrefixed(stream, prefix, chunk) {
  if (!prefix) return stream.write(chunk);
  const pending = (partialLines.get(stream) ?? '') + chunk.toString();
  const lines = pending.split('\n');
  partialLines.set(stream, lines.pop());
  for (const line of lines) stream.write(`${prefix} ${line}\n`);
}

export function elapsedSince(startedAt) {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)}s`;
}
