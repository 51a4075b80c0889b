// Settings of a k6 run, from environment variables (k6 -e NAME=value or the process environment).
// The same suite runs against the local gateway, Docker Compose or the AWS load balancer.

const text = (name, fallback) => (__ENV[name] === undefined || __ENV[name] === '' ? fallback : __ENV[name]);
const number = (name, fallback) => {
  const value = Number(text(name, fallback));
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${__ENV[name]}`);
  return value;
};
const list = (name, fallback) =>
  text(name, fallback)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
const trimSlash = (url) => url.replace(/\/+$/, '');

/** The SLO (lib/slo.json, shared with the runner), each figure overridable by its environment variable. */
const SLO_FILE = JSON.parse(open('./slo.json'));
const sloFigure = (entry) => number(entry.env, entry.value);

export const config = Object.freeze({
  scenario: text('SCENARIO', 'smoke'),
  baseUrl: trimSlash(text('BASE_URL', 'http://localhost:8080')),
  /** Where each mode sends its requests; baselines are skipped unless their URL is given. */
  targets: Object.freeze({
    sync: `${trimSlash(text('BASE_URL', 'http://localhost:8080'))}/orders`,
    async: `${trimSlash(text('BASE_URL', 'http://localhost:8080'))}/orders/async`,
    'sync-direct': __ENV.ORDER_SERVICE_URL ? `${trimSlash(__ENV.ORDER_SERVICE_URL)}/orders` : undefined,
    'async-direct': __ENV.ORDER_SERVICE_URL ? `${trimSlash(__ENV.ORDER_SERVICE_URL)}/orders/async` : undefined,
    'noop-202': __ENV.NOOP_GATEWAY_URL ? `${trimSlash(__ENV.NOOP_GATEWAY_URL)}/orders/async` : undefined,
    'bare-http': __ENV.BARE_HTTP_URL ? `${trimSlash(__ENV.BARE_HTTP_URL)}/orders/async` : undefined,
  }),
  modes: list('MODES', 'sync,async'),
  /** Offered arrival rates (requests per second) of compare and capacity steps. */
  rates: list('RATES', '25,50,100,200,300').map(Number),
  stepSeconds: number('STEP_SECONDS', 20),
  /** Pause between steps, so an async backlog can drain and one step does not bleed into the next. */
  gapSeconds: number('GAP_SECONDS', 5),
  /** 'default': many products, ample stock; 'contention': a few hot products with little stock. */
  dataset: text('DATASET', 'default'),
  /** Product ids to order from (JSON array); when absent, setup() creates the data set's products. */
  productIds: __ENV.PRODUCT_IDS ? JSON.parse(__ENV.PRODUCT_IDS) : undefined,
  /**
   * Share of async orders whose Location is polled until final (end-to-end latency as a client
   * sees it). Small on purpose: the polls are load too; the worker's own histogram is the other
   * measure, and costs no request.
   */
  e2eSample: number('E2E_SAMPLE', 0.02),
  /** First wait before polling a followed order; each next wait doubles, up to POLL_MAX_INTERVAL_MS. */
  pollIntervalMs: number('POLL_INTERVAL_MS', 50),
  // A tenth of the sustained SLO's 1 s: a followed order is recorded at most 100 ms late.
  pollMaxIntervalMs: number('POLL_MAX_INTERVAL_MS', 100),
  pollTimeoutMs: number('POLL_TIMEOUT_MS', 30000),
  /**
   * Before the first measured step, each mode of the plan at WARMUP_RATE for WARMUP_SECONDS (0: none),
   * counted in no step: the first step would otherwise pay for cold code, pools and connections.
   */
  // Capacity probes are many short runs: the runner asks for a warm-up on each search's first probe only.
  warmUp: Object.freeze({
    seconds: number('WARMUP_SECONDS', text('SCENARIO', 'smoke') === 'capacity' ? 0 : 5),
    rate: number('WARMUP_RATE', 10),
  }),
  slo: Object.freeze({
    p99Ms: sloFigure(SLO_FILE.p99Ms),
    maxErrorRate: sloFigure(SLO_FILE.maxErrorRate),
    maxDroppedShare: sloFigure(SLO_FILE.maxDroppedShare),
    maxRejectedShare: sloFigure(SLO_FILE.maxRejectedShare),
    /** Only when SLO_SUSTAINED=on (the runner's sustained async probes): async end-to-end p99, none left unfinished. */
    e2eP99Ms: text('SLO_SUSTAINED', 'off') === 'on' ? sloFigure(SLO_FILE.sustained.e2eP99Ms) : undefined,
  }),
  requestTimeout: text('REQUEST_TIMEOUT', '10s'),
  // Enough for the async steps' pollers too (each followed order holds a VU until it is final).
  maxVus: number('MAX_VUS', 1000),
  spike: Object.freeze({
    baseRate: number('SPIKE_BASE_RATE', 50),
    rate: number('SPIKE_RATE', 400),
    seconds: number('SPIKE_SECONDS', 30),
    beforeSeconds: number('SPIKE_BEFORE_SECONDS', 20),
    afterSeconds: number('SPIKE_AFTER_SECONDS', 60),
    sliceSeconds: number('SPIKE_SLICE_SECONDS', 10),
  }),
  soak: Object.freeze({
    rate: number('SOAK_RATE', 50),
    minutes: number('SOAK_MINUTES', 10),
    sliceSeconds: number('SOAK_SLICE_SECONDS', 60),
  }),
  summaryPath: text('SUMMARY_PATH', 'k6-steps.json'),
  /**
   * Bearer token sent on every request (lib/http.js): API_TOKEN, else the file API_TOKEN_FILE names
   * (Docker Compose's k6 reads the admin token its auth-token job wrote); none when neither is set.
   */
  apiToken: text('API_TOKEN', '') || (__ENV.API_TOKEN_FILE ? open(__ENV.API_TOKEN_FILE).trim() : undefined),
});
