/**
 * Every plot a report can have, in the order the report shows them. A plot whose data the run did
 * not record (no async steps, no capacity probe, no lag samples…) is left out, not drawn empty.
 */
import { plotEndToEndLatency, plotLatency, plotThroughput } from './load-plots';
import type { RunResult } from './result.schema';
import { plotCapacity, plotErrors } from './step-plots';
import { plotConsumerLag, plotMemory, plotThroughputOverTime } from './timeline-plots';

export interface Plot {
  /** File name without extension: `plots/<name>.svg`. */
  readonly name: string;
  readonly title: string;
  readonly svg: string;
}

interface PlotBuilder {
  readonly name: string;
  readonly title: string;
  readonly build: (result: RunResult) => string | undefined;
}

export const PLOT_BUILDERS: readonly PlotBuilder[] = [
  { name: 'throughput', title: 'Throughput achieved vs offered, per mode', build: plotThroughput },
  { name: 'latency', title: 'Request latency p50 / p95 / p99 per mode', build: plotLatency },
  { name: 'e2e-latency', title: 'Async end-to-end latency p50 / p95 / p99', build: plotEndToEndLatency },
  { name: 'consumer-lag', title: 'Consumer lag over time', build: plotConsumerLag },
  { name: 'errors', title: 'Errors, 503s and dropped iterations per step', build: plotErrors },
  { name: 'capacity', title: 'Capacity per mode within the SLO', build: plotCapacity },
  { name: 'memory', title: 'Memory over time', build: plotMemory },
  { name: 'throughput-over-time', title: 'Throughput over time', build: plotThroughputOverTime },
];

/** The plots this result has data for. */
export function buildPlots(result: RunResult): Plot[] {
  return PLOT_BUILDERS.flatMap(({ name, title, build }) => {
    const svg = build(result);
    return svg === undefined ? [] : [{ name, title, svg }];
  });
}
