/**
 * The options of `npm run aws -- loadtest`, from parseArgs' values to LoadTestOptions: a single run
 * (`--scenario`), or a scaling experiment (`--tier` with `--instances`, and its settings).
 */
import path from 'node:path';
import { UsageError } from './aws-cli';
import { DEFAULT_RESULTS_DIR, type LoadTestOptions } from './loadtest';
import type { ExperimentRequest } from './scaling-experiment';
import { MODES_OF_TIER, SCALED_TIERS, type PointMode, type ScaledTier } from './scaling-plan';
import { K6_SCENARIOS, type K6Scenario } from './stacks';

/** parseArgs' declarations of the loadtest options. */
export const LOADTEST_OPTIONS = {
  scenario: { type: 'string' },
  tier: { type: 'string' },
  instances: { type: 'string' },
  repeats: { type: 'string' },
  others: { type: 'string' },
  'single-capacity': { type: 'string' },
  'step-seconds': { type: 'string' },
  'gap-seconds': { type: 'string' },
  'e2e-sample': { type: 'string' },
  'db-max-connections': { type: 'string' },
  'results-dir': { type: 'string' },
} as const;

export const LOADTEST_USAGE = `  loadtest   [--scenario ${K6_SCENARIOS.join('|')}]                 one run, counts as deployed
  loadtest   --tier ${SCALED_TIERS.join('|')} --instances 1,2,4,8
             [--repeats 2] [--others N] [--single-capacity R | sync=R,async=R]
             [--step-seconds 30] [--gap-seconds 10] [--e2e-sample 0.1] [--db-max-connections N]
             (both: [--results-dir DIR], default performance-tests/results/aws)`;

type Values = Partial<Record<keyof typeof LOADTEST_OPTIONS, string>>;
const EXPERIMENT_ONLY = [
  'repeats',
  'others',
  'single-capacity',
  'step-seconds',
  'gap-seconds',
  'e2e-sample',
  'db-max-connections',
] as const;

export function parseLoadTestOptions(
  values: Values,
  command: string,
): Pick<LoadTestOptions, 'scenario' | 'resultsDir' | 'experiment'> {
  const resultsDir = values['results-dir'] ? path.resolve(values['results-dir']) : DEFAULT_RESULTS_DIR;
  if (values.tier === undefined) {
    if (values.instances !== undefined)
      throw new UsageError(`--instances scales one tier at a time: add --tier ${SCALED_TIERS.join('|')}`);
    const extra = EXPERIMENT_ONLY.filter((name) => values[name] !== undefined);
    if (extra.length > 0) throw new UsageError(`--${extra.join(', --')}: only with --tier and --instances`);
    return { scenario: parseScenario(values.scenario ?? 'compare'), resultsDir };
  }
  return { scenario: 'capacity', resultsDir, experiment: parseExperiment(values, parseTier(values.tier), command) };
}

function parseExperiment(values: Values, tier: ScaledTier, command: string): ExperimentRequest {
  if (values.scenario !== undefined) throw new UsageError('--scenario: a scaling experiment runs the capacity ladder');
  if (values.instances === undefined) throw new UsageError('--tier needs --instances, e.g. --instances 1,2,4,8');
  const instanceCounts = parseCounts(values.instances);
  const others = values.others === undefined ? undefined : whole('--others', values.others, 1, 16);
  if (others !== undefined && others < Math.max(...instanceCounts))
    throw new UsageError(`--others ${others}: at least the largest count (${Math.max(...instanceCounts)})`);
  const maxConnections = values['db-max-connections'];
  return {
    tier,
    instanceCounts,
    repeats: values.repeats === undefined ? 2 : whole('--repeats', values.repeats, 1, 10),
    ...(others !== undefined && { others }),
    singleCapacity: parseSingleCapacity(tier, values['single-capacity']),
    stepSeconds: whole('--step-seconds', values['step-seconds'] ?? '30', 5, 600),
    gapSeconds: whole('--gap-seconds', values['gap-seconds'] ?? '10', 0, 300),
    e2eSample: share('--e2e-sample', values['e2e-sample'] ?? '0.1'),
    ...(maxConnections !== undefined && { dbMaxConnections: whole('--db-max-connections', maxConnections, 1, 1e6) }),
    command,
  };
}

function parseScenario(value: string): K6Scenario {
  if (!(K6_SCENARIOS as readonly string[]).includes(value)) {
    throw new UsageError(`--scenario ${value}: one of ${K6_SCENARIOS.join(', ')}`);
  }
  return value as K6Scenario;
}

function parseTier(value: string): ScaledTier {
  if (!(SCALED_TIERS as readonly string[]).includes(value))
    throw new UsageError(`--tier ${value}: one of ${SCALED_TIERS.join(', ')} (the gateway is kept over-provisioned)`);
  return value as ScaledTier;
}

function parseCounts(value: string): number[] {
  const counts = value.split(',').map((item) => Number(item.trim()));
  if (
    counts.some((count) => !Number.isInteger(count) || count < 1 || count > 16) ||
    new Set(counts).size < counts.length
  ) {
    throw new UsageError(`--instances ${value}: distinct comma-separated whole numbers from 1 to 16`);
  }
  return counts;
}

/** `R` (every mode of the tier) or `mode=R,…`, orders/s. */
function parseSingleCapacity(tier: ScaledTier, value: string | undefined): Partial<Record<PointMode, number>> {
  if (value === undefined) return {};
  const modes = MODES_OF_TIER[tier];
  const rate = (text: string) => {
    const rps = Number(text);
    if (!(rps > 0)) throw new UsageError(`--single-capacity ${value}: rates are numbers above 0`);
    return rps;
  };
  if (!value.includes('=')) return Object.fromEntries(modes.map((mode) => [mode, rate(value)]));
  const entries = value.split(',').map((pair) => pair.split('=').map((part) => part.trim()));
  for (const [mode] of entries) {
    if (!(modes as readonly string[]).includes(mode ?? ''))
      throw new UsageError(`--single-capacity ${value}: ${tier} is measured in ${modes.join(', ')}`);
  }
  return Object.fromEntries(entries.map(([mode, rps]) => [mode, rate(rps ?? '')]));
}

function whole(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max)
    throw new UsageError(`${name} ${value}: a whole number from ${min} to ${max}`);
  return number;
}

function share(name: string, value: string): number {
  const number = Number(value);
  if (!(number > 0 && number <= 1)) throw new UsageError(`${name} ${value}: a share above 0, at most 1`);
  return number;
}
