// Load plans as k6 scenarios: one open-model step (constant-arrival-rate) per mode and offered
// rate, run one after another. Each step is a scenario of its own, so every metric can be read
// per step (see summary.js). Open model on purpose: a closed loop of VUs slows down with the
// system and hides queueing (coordinated omission); here k6 keeps offering the rate and counts
// what it could not start as dropped_iterations.
import { config } from './config.js';
import { KNOWN_STATUSES } from './orders.js';

/**
 * A step: `mode` at `rate` requests/s for `seconds`, starting `startSeconds` into the run. An open
 * model step is judged by the SLO (its thresholds, below); a warm-up step is judged by nothing and
 * counted in no step.
 */
function step(name, mode, rate, seconds, startSeconds, warmUp = false) {
  return {
    name,
    mode,
    rate,
    seconds,
    startSeconds,
    slo: !warmUp,
    warmUp,
    scenario: {
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      duration: `${seconds}s`,
      startTime: `${startSeconds}s`,
      // Enough VUs for the rate at twice the SLO's p99 from the start: VUs added mid-step come too
      // late for some iterations, which then count as dropped (k6's shortfall, not the system's).
      preAllocatedVUs: Math.min(config.maxVus, Math.max(10, Math.ceil((rate * 2 * config.slo.p99Ms) / 1000))),
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

/**
 * Warm-up steps, one per mode at WARMUP_RATE for WARMUP_SECONDS, one after another, then a gap;
 * returns them and when the measured steps may start.
 */
export function warmUpSteps(modes, { seconds, rate } = config.warmUp) {
  if (seconds <= 0 || rate <= 0) return { steps: [], endSeconds: 0 };
  const steps = modes.map((mode, index) => step(`warmup_${mode}`, mode, rate, seconds, index * seconds, true));
  return { steps, endSeconds: modes.length * seconds + Math.min(config.gapSeconds, 2) };
}

/** compare and capacity: every mode in turn over the same offered rates. */
export function steppedPlan(modes = config.modes, rates = config.rates) {
  assertTargets(modes);
  const warmUp = warmUpSteps(modes);
  const steps = [...warmUp.steps];
  let at = warmUp.endSeconds;
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
  const warmUp = warmUpSteps(modes);
  const steps = [...warmUp.steps];
  let at = warmUp.endSeconds;
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
  const warmUp = warmUpSteps(modes);
  const steps = [...warmUp.steps];
  for (let at = 0; at < minutes * 60; at += sliceSeconds) {
    for (const mode of modes) steps.push(step(`${mode}_t${at}`, mode, rate, sliceSeconds, warmUp.endSeconds + at));
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

/**
 * k6 keeps a per-scenario sub-metric only for a metric with a threshold on it, and the summary
 * reads every step from those. These metrics carry no SLO, so their thresholds cannot fail: they
 * are bookkeeping, not placeholders for a bound (the bounds are in sloThresholds).
 */
const BOOKKEEPING = {
  async_e2e: 'max>=0',
  async_not_final: 'count>=0',
  order_polls: 'count>=0',
  // Bounded by the SLO in SLO steps (sloThresholds replaces these); other steps still need them per step.
  order_duration: 'max>=0',
  order_errors: 'rate>=0',
  order_refused: 'rate>=0',
  dropped_iterations: 'count>=0',
  order_503_without_retry_after: 'count>=0',
};

/**
 * The SLO of one open-model step as k6 thresholds (lib/slo.json, SLO_* overrides): a step that
 * breaks it makes `k6 run` exit 99. The order POST's own latency (order_duration: polls are not in
 * it), errors (409 is not one), refusals (a step of 409s measured no orders), dropped iterations,
 * every 503 saying when to retry; with SLO_SUSTAINED=on, async orders placed in time.
 */
export function sloThresholds(s, slo = config.slo) {
  const at = (metric) => `${metric}{scenario:${s.name}}`;
  const thresholds = {
    [at('order_duration')]: [`p(99)<=${slo.p99Ms}`],
    [at('order_errors')]: [`rate<${slo.maxErrorRate}`],
    [at('order_refused')]: [`rate<=${slo.maxRejectedShare}`],
    [at('dropped_iterations')]: [`count<=${Math.floor(s.rate * s.seconds * slo.maxDroppedShare)}`],
    [at('order_503_without_retry_after')]: ['count==0'],
  };
  if (slo.e2eP99Ms !== undefined && s.mode.startsWith('async')) {
    thresholds[at('async_e2e')] = [`p(99)<=${slo.e2eP99Ms}`];
    thresholds[at('async_not_final')] = ['count==0'];
  }
  return thresholds;
}

/** Sub-metrics the summary needs that no SLO bound covers (see BOOKKEEPING). */
function bookkeepingThresholds(name) {
  const thresholds = {};
  for (const [metric, always] of Object.entries(BOOKKEEPING)) thresholds[`${metric}{scenario:${name}}`] = [always];
  for (const status of KNOWN_STATUSES) thresholds[`order_status{scenario:${name},status:${status}}`] = ['count>=0'];
  return thresholds;
}

/**
 * k6 options for a plan: every step a scenario; the SLO steps' thresholds are the SLO, so `k6 run`
 * alone exits 99 when a step breaks it (warm-up steps are judged by nothing).
 */
export function optionsFor(steps) {
  const thresholds = {};
  for (const s of steps) {
    if (s.warmUp) continue;
    Object.assign(thresholds, bookkeepingThresholds(s.name), s.slo ? sloThresholds(s) : {});
  }
  return {
    scenarios: Object.fromEntries(steps.map((s) => [s.name, s.scenario])),
    thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(50)', 'p(95)', 'p(99)', 'count'],
    setupTimeout: '120s',
    discardResponseBodies: false,
  };
}
