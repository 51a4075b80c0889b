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

/** The SLO thresholds of a step that k6 found broken, e.g. ['order_duration p(99)<=100']. */
function brokenThresholds(data, step) {
  const broken = [];
  for (const [key, metric] of Object.entries(data.metrics)) {
    if (!key.endsWith(`{scenario:${step}}`)) continue;
    for (const [bound, outcome] of Object.entries(metric.thresholds ?? {}))
      if (outcome.ok === false) broken.push(`${key.slice(0, key.indexOf('{'))} ${bound}`);
  }
  return broken;
}

function statusCounts(data, step) {
  const counts = {};
  for (const status of KNOWN_STATUSES) {
    const n = data.metrics[`order_status{scenario:${step},status:${status}}`]?.values?.count ?? 0;
    if (n > 0) counts[String(status)] = n;
  }
  return counts;
}

/** Order POSTs by outcome, from their statuses: the mode's success, 409, 503, no answer, anything else. */
function outcomeCounts(statuses, mode) {
  const ok = statuses[mode.startsWith('sync') ? '201' : '202'] ?? 0;
  const rejected = statuses['409'] ?? 0;
  const unavailable = statuses['503'] ?? 0;
  const noResponse = statuses['0'] ?? 0;
  const all = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  return { ok, rejected, unavailable, noResponse, failed: all - ok - rejected - unavailable - noResponse };
}

/** The per-step figures of one run (warm-up steps are in none); rates are per second of the step itself. */
export function summariseSteps(data, steps) {
  return steps
    .filter((s) => !s.warmUp)
    .map((s) => {
      const count = (metric) => value(data, metric, s.name, 'count');
      const statuses = statusCounts(data, s.name);
      const counts = outcomeCounts(statuses, s.mode);
      const requests = counts.ok + counts.rejected + counts.unavailable + counts.noResponse + counts.failed;
      const share = (n) => (requests === 0 ? 0 : n / requests);
      const polls = count('order_polls');
      return {
        name: s.name,
        mode: s.mode,
        offeredRps: s.rate,
        startS: s.startSeconds,
        durationS: s.seconds,
        requests,
        achievedRps: s.seconds > 0 ? Math.round(((counts.ok + counts.rejected) / s.seconds) * 10) / 10 : 0,
        latencyMs: latency(data, 'order_duration', s.name),
        counts: { ...counts, unavailableWithoutRetryAfter: count('order_503_without_retry_after') },
        errorRate: share(counts.unavailable + counts.noResponse + counts.failed),
        rejectedRate: share(counts.rejected),
        rate503: share(counts.unavailable),
        statuses,
        droppedIterations: count('dropped_iterations'),
        e2eMs: latency(data, 'async_e2e', s.name),
        notFinal: count('async_not_final'),
        polls,
        pollShare: polls + requests === 0 ? 0 : Math.round((polls / (polls + requests)) * 10000) / 10000,
        ...(s.slo && { thresholdsBroken: brokenThresholds(data, s.name) }),
      };
    });
}

/** What warmed the system up before the first measured step (nothing when the plan has no warm-up). */
export function summariseWarmUp(data, steps) {
  const warmUps = steps.filter((s) => s.warmUp);
  if (warmUps.length === 0) return undefined;
  return {
    modes: warmUps.map((s) => s.mode),
    ratePerS: warmUps[0].rate,
    seconds: warmUps.reduce((sum, s) => sum + s.seconds, 0),
  };
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
    [config.summaryPath]: JSON.stringify(
      { setup: data.setup_data, steps: summarised, warmUp: summariseWarmUp(data, steps) },
      null,
      2,
    ),
    [rawPath]: JSON.stringify(data, null, 2),
    stdout: `\n${lines.join('\n')}\n`,
  };
}
