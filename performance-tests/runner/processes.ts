/**
 * Small helpers the perf runner's scripts share. Starting, waiting for and stopping processes is
 * @ecom/system-launcher's (the same for npm start, the benchmarks and the reliability suite).
 */
import { runCommand as runLauncherCommand } from '@ecom/system-launcher';

export { freePort } from '@ecom/system-launcher';

/** Runs a command to completion and resolves with its stdout; rejects with its stderr's tail on failure. */
export function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  return runLauncherCommand(command, args, { env });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
