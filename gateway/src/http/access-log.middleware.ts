import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Middleware } from './middleware-chain';
import { requestIdOf } from './request-id.middleware';
import { routeTemplateOf } from './route-template';

/**
 * One JSON access-log line per request (pino-http), carrying the request id, route template,
 * status and duration. Kept cheap for the proxy's hot path: serializers read two fields from the
 * raw objects (no wrapping proxies); the lines skip the logger's redaction, which costs about as
 * much as writing the line and has nothing to find in them (no headers, no bodies); and when
 * `info` is disabled (`LOG_LEVEL=silent` in tests) the middleware is not mounted at all.
 */
export function accessLog(logger: Logger): Middleware | undefined {
  if (!logger.isLevelEnabled('info')) return undefined;
  return pinoHttp({
    logger,
    redact: { paths: [] },
    genReqId: (req) => requestIdOf(req) ?? '',
    wrapSerializers: false,
    serializers: { req: serializeRequest },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (req, res, val: { responseTime: number }) => summarise(req, res, val.responseTime),
    // 5xx lines: the cause is logged where it happened (upstream failures, the error handler).
    customErrorObject: (req, res, _error, val: { responseTime: number }) => summarise(req, res, val.responseTime),
    customErrorMessage: () => 'request failed',
  });
}

/**
 * pino-http binds the request to a child logger on every request; its fields go into the line
 * itself instead (see `summarise`), so nothing has to be serialised for the binding.
 */
function serializeRequest(): undefined {
  return undefined;
}

function summarise(req: IncomingMessage, res: ServerResponse, responseTimeMs: number) {
  return {
    method: req.method,
    url: req.url,
    request_id: requestIdOf(req),
    route: routeTemplateOf(req),
    status: res.statusCode,
    duration_ms: responseTimeMs,
  };
}
