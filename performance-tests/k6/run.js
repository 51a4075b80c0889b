// The k6 suite's one entry point: `k6 run -e SCENARIO=<name> run.js`.
//   smoke     a few requests of each kind through the gateway; fails on any wrong status or body
//   compare   sync, then async, over the same offered rates (open model), step by step
//   capacity  the same steps, read as "the highest rate that held the SLO" (see the runner)
//   spike     per mode: base rate, a burst well above sync capacity, recovery in slices
//   soak      every mode at a steady rate for minutes, in slices, to show drift
//   saturate  each mode with SATURATE_VUS clients in a closed loop (the baselines' common footing)
//   burst     BURST_ORDERS async orders at once (fills the worker's backlog for a drain measurement)
// Settings: lib/config.js. `npm run perf -- <scenario>` seeds, runs this, samples Kafka lag and
// memory, and writes the report; this file also runs on its own (e.g. against AWS). With auth on
// (the default), give it an admin token: `k6 run -e API_TOKEN="$(npm run -s token -- --role admin)" run.js`.
import { check, fail } from 'k6';
import { config } from './lib/config.js';
import { createDataset } from './lib/dataset.js';
import http, { withoutToken } from './lib/http.js';
import { awaitFinalOrder, checkStatus, orderOnce } from './lib/orders.js';
import { burstPlan, optionsFor, saturatePlan, soakPlan, spikePlan, steppedPlan } from './lib/plan.js';
import { writeSummary } from './lib/summary.js';

const PLANS = {
  compare: () => steppedPlan(),
  capacity: () => steppedPlan(),
  spike: () => spikePlan(),
  soak: () => soakPlan(),
  saturate: () => saturatePlan(),
  burst: () => burstPlan(Number(__ENV.BURST_ORDERS || 3000), Number(__ENV.BURST_VUS || 32)),
};

const steps = config.scenario === 'smoke' ? [] : (PLANS[config.scenario] ?? unknownScenario)();

function unknownScenario() {
  throw new Error(`SCENARIO must be smoke or one of ${Object.keys(PLANS).join(', ')}, got ${config.scenario}`);
}

export const options =
  config.scenario === 'smoke'
    ? {
        scenarios: { smoke: { executor: 'shared-iterations', vus: 1, iterations: 3, exec: 'smoke' } },
        thresholds: { checks: ['rate==1'] },
      }
    : optionsFor(steps);

export function setup() {
  const probe = http.get(`${config.baseUrl}/health`);
  if (probe.status !== 200) fail(`${config.baseUrl}/health answered ${probe.status}: is the system up?`);
  const data = config.productIds
    ? { dataset: config.dataset, productIds: config.productIds }
    : config.scenario === 'smoke'
      ? {}
      : createDataset(config.dataset);
  // When the steps' clock starts (setup's end), so the runner can line them up with its samples;
  // and the plan, which the runner reads live (k6's REST API, /v1/setup) to show progress.
  const plan = steps.map(({ name, mode, rate, startSeconds, seconds, warmUp }) => ({
    name,
    mode,
    rate,
    startSeconds,
    seconds,
    warmUp: Boolean(warmUp),
  }));
  return { ...data, plan, stepsStartedAtMs: Date.now() };
}

export function loadStep(data) {
  orderOnce(__ENV.STEP_MODE, data.productIds);
}

const json = { headers: { 'Content-Type': 'application/json' } };
const post = (path, body) =>
  http.post(`${config.baseUrl}${path}`, typeof body === 'string' ? body : JSON.stringify(body), json);

/** Every public kind of request once, each answer checked; any failed check fails the run. */
export function smoke() {
  if (config.apiToken) checkRefusedWithoutToken();
  const product = post('/products', { name: `smoke ${Date.now()}`, category: 'k6-smoke', price: '12.50', stock: 5 });
  checkStatus(product, 201, 'create product');
  const id = product.json('id');
  check(http.get(`${config.baseUrl}/products/${id}`), {
    'get product: 200 and price': (r) => r.status === 200 && r.json('price') === '12.50',
  });
  check(http.get(`${config.baseUrl}/products?category=k6-smoke&limit=2`), {
    'list products: 200': (r) => r.status === 200 && Array.isArray(r.json('items')),
  });

  // A client-sent price is ignored: the catalogue's 12.50 is what the order pays.
  const sync = post('/orders', { user_id: 7, items: [{ product_id: id, quantity: 2, unit_price: '0.01' }] });
  check(sync, {
    'sync order: 201 priced from the catalogue': (r) => r.status === 201 && r.json('total_amount') === '25.00',
  });

  const sentAt = Date.now();
  const accepted = post('/orders/async', { user_id: 7, items: [{ product_id: id, quantity: 1 }] });
  if (
    checkStatus(accepted, 202, 'async order') &&
    check(accepted, { 'async order: Location': (r) => Boolean(r.headers.Location) })
  ) {
    const order = awaitFinalOrder(accepted, sentAt);
    check(order, {
      'async order: placed with the catalogue price': (o) =>
        o !== undefined && o.status === 'pending' && o.total_amount === '12.50',
    });
  }

  checkStatus(post('/orders', { user_id: 7, items: [{ product_id: id, quantity: 1000 }] }), 409, 'more than the stock');
  checkStatus(
    post('/orders', { user_id: 7, items: [{ product_id: 2147483000, quantity: 1 }] }),
    422,
    'unknown product',
  );
  checkStatus(post('/orders', '{"user_id": 1, "items": ['), 400, 'malformed JSON');
  checkStatus(post('/orders', { user_id: 'one', items: [] }), 400, 'invalid body');
  checkStatus(
    http.post(`${config.baseUrl}/internal/reservations`, '{}', json),
    404,
    'internal route through the gateway',
  );
}

/** With a token in use, the API is expected to refuse a write without one (401, and it says how to authenticate). */
function checkRefusedWithoutToken() {
  const refused = withoutToken.post(
    `${config.baseUrl}/orders`,
    JSON.stringify({ user_id: 7, items: [{ product_id: 1, quantity: 1 }] }),
    json,
  );
  check(refused, {
    'order without a token: 401 with WWW-Authenticate': (r) =>
      r.status === 401 && String(r.headers['Www-Authenticate'] ?? '').startsWith('Bearer'),
  });
}

export function handleSummary(data) {
  if (config.scenario === 'smoke') {
    const checks = data.metrics.checks?.values ?? { passes: 0, fails: 0 };
    return {
      [config.summaryPath]: JSON.stringify({ setup: data.setup_data, checks }, null, 2),
      stdout: `\nsmoke: ${checks.passes} checks passed, ${checks.fails} failed\n`,
    };
  }
  return writeSummary(data, steps);
}
