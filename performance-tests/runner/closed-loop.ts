/** `concurrency` loops calling `operation` back to back for `seconds`: what it does per second, and its latency. */

export interface Throughput {
  readonly perSecond: number;
  readonly operations: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export async function runClosedLoop(
  concurrency: number,
  seconds: number,
  operation: () => Promise<unknown>,
): Promise<Throughput> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const at = performance.now();
        await operation();
        latencies.push(performance.now() - at);
      }
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  return {
    perSecond: Math.round(latencies.length / elapsed),
    operations: latencies.length,
    p50Ms: percentileOf(latencies, 0.5),
    p99Ms: percentileOf(latencies, 0.99),
  };
}

/** The `q` quantile (nearest rank) of `values`, to 0.1; 0 when there are none. */
export function percentileOf(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[at]! * 10) / 10;
}
