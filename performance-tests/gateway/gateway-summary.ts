import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gatewaySummarySchema, type GatewaySummary } from './gateway-summary.schema';
import type { Measurement } from './report';

const RESULTS = path.resolve(__dirname, '../results');

/**
 * Where this run's summary goes: `RESULTS_DIR` exactly when set (a caller that reads the summary
 * names the folder), else `performance-tests/results/<timestamp>-gateway/` (git-ignored).
 */
export function resultsDirectory(startedAt: Date, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env['RESULTS_DIR'];
  if (chosen) return path.resolve(chosen);
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return path.join(RESULTS, `${stamp}-gateway`);
}

/** Load averages over 1, 5 and 15 minutes, to two decimals. */
export function loadAverage(): number[] {
  return os.loadavg().map((load) => Math.round(load * 100) / 100);
}

export interface SummaryInput {
  readonly startedAt: Date;
  readonly settings: GatewaySummary['settings'];
  readonly loadAverageBefore: readonly number[];
  /** One row per variant, direct first (the other rows' added idle latency is relative to it). */
  readonly rows: readonly Measurement[];
  readonly aboveLibrary: number;
  readonly aboveExpress: number;
  /** The gateway's CPU per request on the protected route with a token, above the public route. */
  readonly protectedRouteCost?: number;
}

/** The run's summary, validated against the schema its readers use, before anything is written. */
export function buildGatewaySummary(input: SummaryInput): GatewaySummary {
  const direct = input.rows[0]!;
  const round = (value: number, digits = 1) => Number(value.toFixed(digits));
  return gatewaySummarySchema.parse({
    scenario: 'gateway',
    started_at: input.startedAt.toISOString(),
    command: 'npm run perf:gateway',
    settings: input.settings,
    machine: {
      cpus: os.cpus().length,
      load_average_before: input.loadAverageBefore,
      load_average_after: loadAverage(),
    },
    variants: input.rows.map((row) => ({
      name: row.variant,
      req_per_s: round(row.requestsPerSecond, 0),
      p50_ms: row.p50Ms,
      p99_ms: row.p99Ms,
      cpu_us_per_request: row.cpuMicrosPerRequest === undefined ? null : round(row.cpuMicrosPerRequest),
      idle_added_p50_us: round(row.p50Micros - direct.p50Micros, 0),
    })),
    gateway_own_cpu_us_above_library: round(input.aboveLibrary),
    gateway_own_cpu_us_above_express_library: round(input.aboveExpress),
    ...(input.protectedRouteCost !== undefined &&
      !Number.isNaN(input.protectedRouteCost) && {
        gateway_protected_route_cpu_us: round(input.protectedRouteCost),
      }),
  });
}

/** Writes `summary.json` into `dir` (made when missing) and returns its path. */
export function writeGatewaySummary(dir: string, summary: GatewaySummary): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'summary.json');
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  return file;
}
