// Load plans as k6 scenarios: one open-model step (constant-arrival-rate) per mode and offered
// rate, run one after another. Each step is a scenario of its own, so every metric can be read
// per step (see summary.js). Open model on purpose: a closed loop of VUs slows down with the
// system and hides queueing (coordinated omission); here k6 keeps offering the rate and counts
// what it could not start as dropped_iterations.
import { config } from './config.js';
import { KNOWN_STATUSES } from './orders.js';

/** A step: `mode` at `rate` requests/s for `seconds`, starting `startSeconds` into the run. */
function step(name, mode, rate, seconds, startSeconds) {
  return {
    name,
    mode,
    rate,
    seconds,
    startSeconds,
    scenario: {
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      duration: `${seconds}s`,
      startTime: `${startSeconds}s`,
      preAllocatedVUs: Math.min(config.maxVus, Math.max(10, Math.ceil(rate / 5))),
      maxVUs: config.maxVus,
      gracefulStop: '10s',
      exec: 'loadStep',
      env: { STEP_MODE: mode },
      tags: { mode, offered: String(rate) },
    },
  };
}

function assertTargets(modes) {
  for (const mode of modes) {
    if (!(mode in config.targets)) throw new Error(`unknown mode ${mode}`);
    if (!config.targets[mode]) throw new Error(`mode ${mode} needs its URL (see lib/config.js)`);
  }
}

/** compare and capacity: every mode in turn over the same offered rates. */
export function steppedPlan(modes = config.modes, rates = config.rates) {
  assertTargets(modes);
  const steps = [];
  let at = 0;
  for (const mode of modes) {
    for (const rate of rates) {
      steps.push(step(`${mode}_${rate}`, mode, rate, config.stepSeconds, at));
      at += config.stepSeconds + config.gapSeconds;
    }
  }
  return steps;
}

/** spike: per mode, a steady base rate, a burst, then the base rate again in slices (recovery). */
export function spikePlan(modes = config.modes) {
  assertTargets(modes);
  const { baseRate, rate, seconds, beforeSeconds, afterSeconds, sliceSeconds } = config.spike;
  const steps = [];
  let at = 0;
  for (const mode of modes) {
    steps.push(step(`${mode}_before`, mode, baseRate, beforeSeconds, at));
    at += beforeSeconds;
    steps.push(step(`${mode}_spike`, mode, rate, seconds, at));
    at += seconds;
    for (let slice = 0; slice * sliceSeconds < afterSeconds; slice += 1) {
      steps.push(step(`${mode}_after${slice + 1}`, mode, baseRate, sliceSeconds, at));
      at += sliceSeconds;
    }
    at += config.gapSeconds * 2;
  }
  return steps;
}

/** soak: every mode at once at a steady rate, cut into slices so drift shows. */
export function soakPlan(modes = config.modes) {
  assertTargets(modes);
  const { rate, minutes, sliceSeconds } = config.soak;
  const steps = [];
  for (let at = 0; at < minutes * 60; at += sliceSeconds) {
    for (const mode of modes) steps.push(step(`${mode}_t${at}`, mode, rate, sliceSeconds, at));
  }
  return steps;
}

/**
 * saturate: each mode in turn, `vus` clients in a closed loop for STEP_SECONDS: the most a target
 * does at that concurrency (for the baselines, which compare targets at the same concurrency).
 */
export function saturatePlan(modes = config.modes, vus = Number(__ENV.SATURATE_VUS || 32)) {
  assertTargets(modes);
  return modes.map((mode, index) => ({
    name: `${mode}_vus${vus}`,
    mode,
    rate: 0,
    seconds: config.stepSeconds,
    startSeconds: index * (config.stepSeconds + config.gapSeconds),
    scenario: {
      executor: 'constant-vus',
      vus,
      duration: `${config.stepSeconds}s`,
      startTime: `${index * (config.stepSeconds + config.gapSeconds)}s`,
      gracefulStop: '10s',
      exec: 'loadStep',
      env: { STEP_MODE: mode },
      tags: { mode },
    },
  }));
}

/**
 * burst: `orders` async orders as fast as `vus` clients can send them (closed model on purpose:
 * this fills the worker's backlog for the drain measurement, it measures nothing itself).
 */
export function burstPlan(orders, vus) {
  return [
    {
      name: 'async_burst',
      mode: 'async',
      rate: 0,
      seconds: 0,
      startSeconds: 0,
      scenario: {
        executor: 'shared-iterations',
        vus,
        iterations: orders,
        maxDuration: '10m',
        exec: 'loadStep',
        env: { STEP_MODE: 'async' },
      },
    },
  ];
}

const PER_STEP_METRICS = [
  'order_duration',
  'order_ok',
  'order_rejected',
  'order_503',
  'order_503_without_retry_after',
  'order_no_response',
  'order_failed',
  'async_e2e',
  'async_not_final',
  'dropped_iterations',
  'http_reqs',
];

/**
 * k6 options for a plan. A threshold that always holds is declared on each metric of each step:
 * that is how k6 keeps a sub-metric per scenario, which the summary reads.
 */
export function optionsFor(steps) {
  const thresholds = {};
  for (const { name } of steps) {
    for (const metric of PER_STEP_METRICS) {
      const trend = metric === 'order_duration' || metric === 'async_e2e';
      thresholds[`${metric}{scenario:${name}}`] = [trend ? 'max>=0' : 'count>=0'];
    }
    for (const status of KNOWN_STATUSES) thresholds[`order_status{scenario:${name},status:${status}}`] = ['count>=0'];
  }
  return {
    scenarios: Object.fromEntries(steps.map((s) => [s.name, s.scenario])),
    thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(50)', 'p(95)', 'p(99)', 'count'],
    setupTimeout: '120s',
    discardResponseBodies: false,
  };
}
