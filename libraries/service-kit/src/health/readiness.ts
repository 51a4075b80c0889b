import { withTimeLimit } from '../lifecycle/time-limit';

/**
 * A named check of one dependency: it resolves when the dependency can serve, throws otherwise.
 * Resolving with `{ details }` adds those details to the report (e.g. an upstream's own report).
 */
export type DependencyCheck = () => Promise<unknown>;

export interface DependencyStatus {
  readonly status: 'up' | 'down';
  readonly latency_ms: number;
  readonly error?: string;
  readonly details?: unknown;
}

export interface ReadinessReport {
  readonly status: 'ready' | 'unavailable';
  readonly dependencies: Readonly<Record<string, DependencyStatus>>;
}

/** Runs every check at once, each bounded by `timeoutMs`, and reports each dependency's status. */
export async function checkReadiness(
  checks: Readonly<Record<string, DependencyCheck>>,
  timeoutMs = 2_000,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
  );
  const dependencies = Object.fromEntries(entries);
  const allUp = entries.every(([, result]) => result.status === 'up');
  return { status: allUp ? 'ready' : 'unavailable', dependencies };
}

async function runCheck(check: DependencyCheck, timeoutMs: number): Promise<DependencyStatus> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const result = await withTimeLimit(check(), timeoutMs, () => {
      throw new Error(`no answer within ${timeoutMs} ms`);
    });
    const details = (result as { details?: unknown } | null)?.details;
    return details === undefined
      ? { status: 'up', latency_ms: elapsed() }
      : { status: 'up', latency_ms: elapsed(), details };
  } catch (error) {
    return { status: 'down', latency_ms: elapsed(), error: error instanceof Error ? error.message : String(error) };
  }
}
