/**
 * What `npm run perf:gateway` leaves in `<results folder>/summary.json`: the settings of the run,
 * how busy the machine was, one row per variant (medians over the rounds), and the gateway's own
 * CPU per request above its two references. One zod schema, the type inferred from it, so the
 * benchmark that writes the file and whatever reads it (the capacity run, the docs) cannot drift.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const microseconds = z.number();
const nonNegative = z.number().nonnegative();

export const gatewayVariantSchema = z.object({
  name: z.string().min(1),
  req_per_s: nonNegative,
  /** autocannon's percentiles under load (whole milliseconds). */
  p50_ms: nonNegative,
  p99_ms: nonNegative,
  /** The proxy process's CPU time (user + system) per request; null where none is measured (direct, nginx). */
  cpu_us_per_request: nonNegative.nullable(),
  /** Median latency of sequential requests without load, minus the direct request's. */
  idle_added_p50_us: microseconds,
});

export const gatewaySummarySchema = z.object({
  scenario: z.literal('gateway'),
  started_at: z.iso.datetime(),
  command: z.string().min(1),
  settings: z.object({
    connections: z.number().int().positive(),
    duration_seconds: z.number().positive(),
    warmup_seconds: z.number().nonnegative(),
    rounds: z.number().int().positive(),
    nginx_workers: z.number().int().positive(),
    profile: z.boolean(),
  }),
  machine: z.object({
    cpus: z.number().int().positive(),
    load_average_before: z.array(nonNegative).length(3),
    load_average_after: z.array(nonNegative).length(3),
  }),
  variants: z.array(gatewayVariantSchema).min(1),
  /** Gateway CPU µs/request minus bare http-proxy-middleware's on node:http (median of per-round differences). */
  gateway_own_cpu_us_above_library: microseconds,
  /** The same, minus Express 5 with http-proxy-middleware as its only middleware. */
  gateway_own_cpu_us_above_express_library: microseconds,
  /**
   * The gateway's CPU per request on a protected route with a bearer token, minus on a public one
   * without (the token's verification, the route's role check and the identity headers); absent
   * in runs from before auth.
   */
  gateway_protected_route_cpu_us: microseconds.optional(),
});

export type GatewayVariant = z.infer<typeof gatewayVariantSchema>;
export type GatewaySummary = z.infer<typeof gatewaySummarySchema>;

/** Reads and validates a `summary.json` written by the gateway benchmark; throws naming what is wrong. */
export function readGatewaySummary(file: string): GatewaySummary {
  return gatewaySummarySchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}
