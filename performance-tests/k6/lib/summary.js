// Turns k6's end-of-test data into one record per step (what the runner and its report read),
// and writes the raw summary beside it.
import { config } from './config.js';
import { KNOWN_STATUSES } from './orders.js';

const value = (data, metric, step, stat) => data.metrics[`${metric}{scenario:${step}}`]?.values?.[stat] ?? 0;

function latency(data, metric, step) {
  if (!value(data, metric, step, 'count')) return undefined;
  const stat = (name) => Math.round(value(data, metric, step, name) * 100) / 100;
  return {
    avg: stat('avg'),
    p50: stat('p(50)'),
    p95: stat('p(95)'),
    p99: stat('p(99)'),
    max: stat('max'),
    count: stat('count'),
  };
}

function statusCounts(data, step) {
  const counts = {};
  for (const status of KNOWN_STATUSES) {
    const n = data.metrics[`order_status{scenario:${step},status:${status}}`]?.values?.count ?? 0;
    if (n > 0) counts[String(status)] = n;
  }
  return counts;
}

/** The per-step figures of one run; rates are per second of the step itself. */
export function summariseSteps(data, steps) {
  return steps.map((s) => {
    const count = (metric) => value(data, metric, s.name, 'count');
    const requests =
      count('order_ok') +
      count('order_rejected') +
      count('order_503') +
      count('order_no_response') +
      count('order_failed');
    const share = (n) => (requests === 0 ? 0 : n / requests);
    return {
      name: s.name,
      mode: s.mode,
      offeredRps: s.rate,
      startS: s.startSeconds,
      durationS: s.seconds,
      requests,
      achievedRps:
        s.seconds > 0 ? Math.round(((count('order_ok') + count('order_rejected')) / s.seconds) * 10) / 10 : 0,
      latencyMs: latency(data, 'order_duration', s.name),
      counts: {
        ok: count('order_ok'),
        rejected: count('order_rejected'),
        unavailable: count('order_503'),
        unavailableWithoutRetryAfter: count('order_503_without_retry_after'),
        noResponse: count('order_no_response'),
        failed: count('order_failed'),
      },
      errorRate: share(count('order_503') + count('order_no_response') + count('order_failed')),
      rejectedRate: share(count('order_rejected')),
      rate503: share(count('order_503')),
      statuses: statusCounts(data, s.name),
      droppedIterations: count('dropped_iterations'),
      e2eMs: latency(data, 'async_e2e', s.name),
      notFinal: count('async_not_final'),
    };
  });
}

/** handleSummary output: the steps as JSON for the runner, the raw data, and a line per step. */
export function writeSummary(data, steps) {
  const summarised = summariseSteps(data, steps);
  const lines = summarised.map(
    (s) =>
      `${s.name.padEnd(22)} offered ${String(s.offeredRps).padStart(5)}/s  achieved ${String(s.achievedRps).padStart(7)}/s  ` +
      `p99 ${String(s.latencyMs?.p99 ?? '-').padStart(8)} ms  errors ${(s.errorRate * 100).toFixed(2)}%  dropped ${s.droppedIterations}`,
  );
  const rawPath = config.summaryPath.replace(/\.json$/, '') + '.raw.json';
  return {
    [config.summaryPath]: JSON.stringify({ setup: data.setup_data, steps: summarised }, null, 2),
    [rawPath]: JSON.stringify(data, null, 2),
    stdout: `\n${lines.join('\n')}\n`,
  };
}
