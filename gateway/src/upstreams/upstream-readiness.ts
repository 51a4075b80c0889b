import type { DependencyCheck } from '@ecom/service-kit/health';

/**
 * One readiness check per upstream service: every configured instance must answer its `/ready`
 * with 2xx. The services' own reports (database, Kafka) are included in the error when one is not.
 */
export function upstreamChecks(
  upstreams: Readonly<Record<string, readonly string[]>>,
  timeoutMs: number,
): Record<string, DependencyCheck> {
  return Object.fromEntries(
    Object.entries(upstreams).map(([name, urls]) => [
      name,
      async () => {
        const reports = await Promise.all(urls.map((url) => assertReady(url, timeoutMs)));
        return { details: Object.fromEntries(urls.map((url, index) => [url, reports[index]])) };
      },
    ]),
  );
}

/** Resolves with the upstream's own readiness report (its database, Kafka, …) when it is ready. */
async function assertReady(baseUrl: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(timeoutMs) }).catch(
    (error: unknown) => {
      // fetch reports "fetch failed"; the useful part (ECONNREFUSED, a timeout) is its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`${baseUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    },
  );
  if (!response.ok) {
    const body = await response.text();
    throw new Error(`${baseUrl}/ready answered ${response.status}: ${body.slice(0, 500)}`);
  }
  return ((await response.json()) as { dependencies?: unknown }).dependencies;
}
