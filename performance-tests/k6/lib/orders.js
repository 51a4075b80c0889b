// The requests of the suite: order bodies, the order POST of each mode, polling an async order's
// Location until it is final, and the metrics every step is summarised from.
import http from './http.js';
import { check, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { config } from './config.js';

/** Latency of the order POST alone (polls and set-up requests are not in it). */
export const orderDuration = new Trend('order_duration', true);
/** Each order POST counts in exactly one of these. */
export const outcomes = {
  ok: new Counter('order_ok'), // 201 sync, 202 async
  rejected: new Counter('order_rejected'), // 409: out of stock (the contention data set expects these)
  unavailable: new Counter('order_503'),
  unavailableWithoutRetryAfter: new Counter('order_503_without_retry_after'), // a 503 must say when to retry
  noResponse: new Counter('order_no_response'), // timeout or connection error
  failed: new Counter('order_failed'), // any other status
};
/** Per order POST: true when it was an error (503, no answer, any unexpected status); a 409 is not one. */
export const orderErrors = new Rate('order_errors');
/** Per order POST: true when it was refused (409): a step of refusals measured no orders. */
export const orderRefused = new Rate('order_refused');
/** Every order POST by its status code ('0' = no response); per step for the known codes (plan.js). */
export const orderStatus = new Counter('order_status');
export const KNOWN_STATUSES = [200, 201, 202, 400, 404, 409, 413, 415, 422, 429, 500, 502, 503, 504, 0];

/** Async: POST → the order in its final status (placed or rejected), polled on its Location. */
export const asyncEndToEnd = new Trend('async_e2e', true);
export const asyncNotFinal = new Counter('async_not_final'); // polled until POLL_TIMEOUT_MS without a final status
/** Every GET of a followed order's Location: the measurement's own traffic (its share is reported per step). */
export const orderPolls = new Counter('order_polls');

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** The order mix, shared with the runner's database ceiling (runner/order-mix.ts reads the same file). */
export const ORDER_MIX = JSON.parse(open('./order-mix.json'));

const between = ({ min, max }) => min + Math.floor(Math.random() * (max - min + 1));

/** ORDER_MIX's lines of random products; prices come from the catalogue, never from here. */
export function orderBody(productIds) {
  const lines = between(ORDER_MIX.lines);
  const items = [];
  for (let index = 0; index < lines; index += 1) {
    items.push({
      product_id: productIds[Math.floor(Math.random() * productIds.length)],
      quantity: between(ORDER_MIX.quantity),
    });
  }
  return JSON.stringify({ user_id: between(ORDER_MIX.userId), items });
}

function expectedStatus(mode) {
  return mode.startsWith('sync') ? 201 : 202;
}

/** POSTs one order in `mode` and counts its outcome; returns the response. */
export function postOrder(mode, productIds) {
  const response = http.post(config.targets[mode], orderBody(productIds), {
    headers: JSON_HEADERS,
    timeout: config.requestTimeout,
    tags: { name: `POST ${mode}` },
    responseCallback: http.expectedStatuses(expectedStatus(mode), 409),
  });
  orderDuration.add(response.timings.duration);
  countOutcome(mode, response);
  return response;
}

function countOutcome(mode, response) {
  orderStatus.add(1, { status: String(response.status) });
  const ok = response.status === expectedStatus(mode);
  orderErrors.add(!ok && response.status !== 409);
  orderRefused.add(response.status === 409);
  if (response.status === expectedStatus(mode)) outcomes.ok.add(1);
  else if (response.status === 409) outcomes.rejected.add(1);
  else if (response.status === 503) {
    outcomes.unavailable.add(1);
    if (!response.headers['Retry-After']) outcomes.unavailableWithoutRetryAfter.add(1);
  } else if (response.status === 0) outcomes.noResponse.add(1);
  else outcomes.failed.add(1);
}

/**
 * Polls an accepted async order until the service reports it placed or rejected (200), and
 * records the end-to-end latency from the POST being sent. The waits between polls start at
 * POLL_INTERVAL_MS and double up to POLL_MAX_INTERVAL_MS, so a slow order costs a few polls, not
 * one every 50 ms; the figure is then an upper bound, late by up to the last wait. Returns the
 * final order, or undefined.
 */
export function awaitFinalOrder(accepted, sentAtMs) {
  const location = accepted.headers.Location;
  const url = location.startsWith('http') ? location : `${config.baseUrl}${location}`;
  const deadline = sentAtMs + config.pollTimeoutMs;
  let waitMs = config.pollIntervalMs;
  while (Date.now() < deadline) {
    sleep(waitMs / 1000);
    waitMs = Math.min(waitMs * 2, config.pollMaxIntervalMs);
    orderPolls.add(1);
    const response = http.get(url, {
      tags: { name: 'GET order (poll)' },
      responseCallback: http.expectedStatuses(200, 202),
    });
    if (response.status === 200) {
      asyncEndToEnd.add(Date.now() - sentAtMs);
      return response.json();
    }
  }
  asyncNotFinal.add(1);
  return undefined;
}

/** One iteration of a load step: an order in `mode`; a sample of async ones is followed to the end. */
export function orderOnce(mode, productIds) {
  const sentAtMs = Date.now();
  const response = postOrder(mode, productIds);
  if (mode === 'async' && response.status === 202 && Math.random() < config.e2eSample) {
    awaitFinalOrder(response, sentAtMs);
  }
}

export function checkStatus(response, status, what) {
  return check(response, { [`${what}: ${status}`]: (r) => r.status === status });
}
