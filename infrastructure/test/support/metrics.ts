/**
 * Which Prometheus metrics the processes really expose, read from the code, and which metrics a
 * PromQL expression uses — so a dashboard can be checked against the code without running it.
 */
import { readFileSync } from 'node:fs';
import { createMetrics } from '@ecom/service-kit/metrics';
import { listRepoFiles } from './repo';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** The sources whose metrics reach a /metrics endpoint. */
const SOURCE_DIRS = ['libraries/service-kit/src', 'services', 'gateway/src'];

/**
 * Metric name → type: prom-client's default metrics and the kit's request histogram, taken from a
 * real registry, plus every `new Counter|Gauge|Histogram|Summary({ name: '…' })` and
 * `createCounter(registry, '…')` in the services, the kit and the gateway.
 */
export async function registeredMetrics(): Promise<Map<string, MetricType>> {
  const metrics = new Map<string, MetricType>();
  const probe = createMetrics('probe');
  for (const metric of await probe.registry.getMetricsAsJSON()) {
    metrics.set(metric.name, String(metric.type) as MetricType);
  }
  probe.registry.clear();
  const files = SOURCE_DIRS.flatMap((dir) => listRepoFiles(dir, ['.ts'])).filter(
    (file) => file.includes('/src/') && !file.endsWith('.test.ts'),
  );
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(
      /new (Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\(\s*\{\s*name:\s*'([^']+)'/g,
    )) {
      metrics.set(match[2]!, match[1]!.toLowerCase() as MetricType);
    }
    for (const match of source.matchAll(/createCounter\(\s*[\w.]+\s*,\s*'([^']+)'/g)) {
      metrics.set(match[1]!, 'counter');
    }
  }
  return metrics;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression selects (functions, labels, strings and ranges removed). */
export function metricNamesIn(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/\b[A-Za-z_][A-Za-z0-9_:]*\b(?!\s*\()/g)) {
    const word = match[0];
    const before = stripped[match.index - 1] ?? '';
    if (/[0-9.]/.test(before) || PROMQL_WORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/** True when `name` is exposed: as such, or as a histogram's / summary's `_bucket`, `_sum`, `_count`. */
export function isExposed(name: string, registered: ReadonlyMap<string, MetricType>): boolean {
  if (registered.has(name)) return true;
  const series = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!series) return false;
  const type = registered.get(series[1]!);
  return type === 'histogram' || (type === 'summary' && series[2] !== 'bucket');
}
