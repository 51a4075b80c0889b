/**
 * What this package reads of the gateway benchmark's `summary.json` (`npm run perf:gateway` with
 * RESULTS_DIR; its own schema is performance-tests/gateway/gateway-summary.schema.ts). Tolerant on
 * purpose: only the figure the capacity goals need, and the variants as whatever rows they are,
 * so the benchmark's summary may grow without breaking the capacity run or the docs.
 */
import { z } from 'zod';

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const tolerantGatewaySummarySchema = z.looseObject({
  command: z.string().optional(),
  started_at: z.string().optional(),
  gateway_own_cpu_us_above_library: z.number().optional(),
  variants: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** Column titles of the variants' fields known today; any other field is titled by its name. */
const TITLES: Readonly<Record<string, string>> = {
  name: 'variant',
  req_per_s: 'req/s',
  p50_ms: 'p50 ms',
  p99_ms: 'p99 ms',
  cpu_us_per_request: 'CPU µs/request',
  idle_added_p50_us: 'added idle p50 µs',
};

export const titleOfVariantField = (field: string) => TITLES[field] ?? field;

export type TolerantGatewaySummary = z.infer<typeof tolerantGatewaySummarySchema>;

/** The gateway's own CPU µs per request above bare http-proxy-middleware; undefined when absent. */
export function readGatewayFigure(input: unknown): number | undefined {
  const parsed = tolerantGatewaySummarySchema.safeParse(input);
  return parsed.success ? parsed.data.gateway_own_cpu_us_above_library : undefined;
}

/** The variants' rows, keeping only the columns whose cells are plain values (strings, numbers, …). */
export function variantRows(summary: TolerantGatewaySummary): {
  columns: string[];
  rows: (string | number | boolean | null)[][];
} {
  const variants = summary.variants ?? [];
  const columns = [...new Set(variants.flatMap((variant) => Object.keys(variant)))].filter((column) =>
    variants.every((variant) => variant[column] === undefined || cellSchema.safeParse(variant[column]).success),
  );
  return {
    columns,
    rows: variants.map((variant) => columns.map((column) => cellSchema.parse(variant[column] ?? null))),
  };
}
