// k6/http with the run's bearer token: every request the suite sends goes through here, so each
// carries `Authorization: Bearer <API_TOKEN>` when a token is set (config.js reads API_TOKEN, or
// API_TOKEN_FILE as Docker Compose's k6 does). The gateway verifies it on every protected route;
// the load tests use an admin token (admin may order for any user_id, as the order mix does).
// Services reached directly ignore the header; a run without a token sends none.
import http from 'k6/http';
import { config } from './config.js';

const AUTHORIZATION = config.apiToken ? { Authorization: `Bearer ${config.apiToken}` } : {};

/** `params` with the token's header added (a header of the caller's own wins). */
function withToken(params = {}) {
  return { ...params, headers: { ...AUTHORIZATION, ...params.headers } };
}

/** One request of http.batch, in either of its forms: [method, url, body, params] or an object. */
function batchRequestWithToken(request) {
  if (Array.isArray(request)) {
    const [method, url, body = null, params] = request;
    return [method, url, body, withToken(params)];
  }
  return { ...request, params: withToken(request.params) };
}

export default {
  get: (url, params) => http.get(url, withToken(params)),
  post: (url, body, params) => http.post(url, body, withToken(params)),
  batch: (requests) => http.batch(requests.map(batchRequestWithToken)),
  expectedStatuses: http.expectedStatuses,
};

/** The same requests without a token: only for checking that the API refuses them. */
export const withoutToken = http;
