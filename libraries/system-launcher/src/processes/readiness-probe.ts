import type { ManagedProcess } from './managed-process';

/**
 * Polls `url` (a process's /ready) until it answers 2xx. Fails when the process exits first,
 * after `timeoutMs`, or as soon as `signal` is aborted.
 */
export async function waitUntilReady(
  url: string,
  managed: ManagedProcess,
  { timeoutMs = 60_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problem = 'no answer yet';
  const { child } = managed;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${managed.name} exited while starting (${problem})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      problem = `${response.status} ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      problem = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${managed.name} not ready on ${url} after ${timeoutMs / 1000}s: ${problem}`);
}
