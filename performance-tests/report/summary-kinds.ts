/**
 * Every kind of summary.json a run can leave, told apart by its `kind` (perf:gateway's, which
 * predates it, by `scenario: 'gateway'`), each read by its own schema. A new kind is one more
 * reader here.
 */
import { readFileSync } from 'node:fs';
import { readOutboxSummary, type OutboxSummary } from '../outbox/outbox-summary.schema';
import { readScalingSummary, type ScalingSummary } from '../scaling/scaling-summary.schema';
import { readCapacitySummary, type CapacitySummary } from './capacity-summary.schema';
import { readLoadSummary, type LoadSummary } from './load-summary.schema';
import { tolerantGatewaySummarySchema, type TolerantGatewaySummary } from './tolerant-gateway-summary';

export const SUMMARY_KINDS = ['capacity', 'gateway', 'load', 'outbox', 'scaling'] as const;
export type SummaryKind = (typeof SUMMARY_KINDS)[number];

/** A summary with its kind, so a reader can narrow on it. */
export type KindedSummary =
  | { readonly kind: 'capacity'; readonly summary: CapacitySummary }
  | { readonly kind: 'gateway'; readonly summary: TolerantGatewaySummary }
  | { readonly kind: 'load'; readonly summary: LoadSummary }
  | { readonly kind: 'outbox'; readonly summary: OutboxSummary }
  | { readonly kind: 'scaling'; readonly summary: ScalingSummary };

/** The kind a parsed summary.json declares; undefined when it declares none this code knows. */
export function kindOfSummary(json: unknown): SummaryKind | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { kind, scenario } = json as { kind?: unknown; scenario?: unknown };
  if (kind === undefined && scenario === 'gateway') return 'gateway';
  return SUMMARY_KINDS.find((known) => known === kind);
}

/** Reads a summary.json by the kind it declares; throws naming the file when it declares none known, or is not one. */
export function readKindedSummary(file: string): KindedSummary {
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const kind = kindOfSummary(json);
  switch (kind) {
    case 'capacity':
      return { kind, summary: readCapacitySummary(file) };
    case 'gateway':
      return { kind, summary: readGatewaySummaryFile(file) };
    case 'load':
      return { kind, summary: readLoadSummary(file) };
    case 'outbox':
      return { kind, summary: readOutboxSummary(file) };
    case 'scaling':
      return { kind, summary: readScalingSummary(file) };
    case undefined:
      throw new Error(
        `${file} declares no known kind (its "kind" is ${JSON.stringify((json as { kind?: unknown } | null)?.kind)}; known: ${SUMMARY_KINDS.join(', ')})`,
      );
  }
}

export function readGatewaySummaryFile(file: string): TolerantGatewaySummary {
  const parsed = tolerantGatewaySummarySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a gateway benchmark summary: ${parsed.error.message}`);
  return parsed.data;
}
