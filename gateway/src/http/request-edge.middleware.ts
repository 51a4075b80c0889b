import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER } from '@ecom/service-kit/logging';
import { accessLogWriter } from './access-log';
import { durationRecorder, type GatewayMetrics } from './gateway-metrics';
import type { Middleware } from './middleware-chain';
import { assignRequestId, requestIdGenerator } from './request-id';
import { routeTemplateOf } from './route-template';
import { apiSecurityHeaders } from './security.middleware';

/** 499 (as nginx logs it) when the client went away before the response was complete. */
const CLIENT_CLOSED = 499;

const STARTED_AT = Symbol('gateway.startedAt');

type TimedResponse = ServerResponse & { [STARTED_AT]: number };

/**
 * What every request gets at the gateway's edge, in one middleware: its request id (the caller's
 * or a new one, returned as `X-Request-Id` and forwarded upstream), the API's security headers,
 * and, once its response is done, one sample in the latency histogram and one access-log line.
 *
 * One middleware rather than four because this runs on every proxied request, where the gateway's
 * own work is budgeted (issue 16: ≤ 50 µs of CPU above bare http-proxy-middleware): the response
 * gets one 'close' listener, a function shared by all responses (no closure per request), and the
 * start time rides on the response itself.
 */
export function requestEdge(logger: Logger, metrics: GatewayMetrics): Middleware {
  const nextRequestId = requestIdGenerator();
  const setSecurityHeaders = apiSecurityHeaders();
  const record = durationRecorder(metrics);
  const writeAccessLog = accessLogWriter(logger);
  function onClose(this: ServerResponse): void {
    const req = this.req;
    const status = this.writableFinished ? this.statusCode : CLIENT_CLOSED;
    const durationMs = performance.now() - (this as TimedResponse)[STARTED_AT];
    record(req.method ?? '', routeTemplateOf(req), status, durationMs / 1_000);
    writeAccessLog?.(req, status, durationMs);
  }
  return (req, res, next) => {
    (res as TimedResponse)[STARTED_AT] = performance.now();
    res.setHeader(REQUEST_ID_HEADER, assignRequestId(req, nextRequestId));
    setSecurityHeaders(res);
    res.on('close', onClose);
    next();
  };
}
