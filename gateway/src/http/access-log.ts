import type { IncomingMessage } from 'node:http';
import pino, { type Logger } from 'pino';
import { requestIdOf } from './request-id';
import { routeTemplateOf } from './route-template';

/** Writes the access-log line of one finished request. */
export type AccessLogWriter = (req: IncomingMessage, status: number, durationMs: number) => void;

/**
 * One JSON access-log line per request, carrying the request id, route template, status and
 * duration: `request completed` at info, or `request failed` at error for a 5xx (whose cause is
 * logged where it happened: upstream failures, the error handler). Undefined when `info` is
 * disabled (`LOG_LEVEL=silent` in tests, or `warn`): then nothing is done per request at all.
 *
 * The line is the logger's own format (`{"level":"info","time":<ISO>,<bindings>,…,"msg":…}`, as
 * service-kit's createLogger writes it; a test holds the two together) and goes to the logger's
 * own destination, so it is buffered and flushed with every other line. It is put together here
 * rather than by `logger.info` because this runs for every proxied request, where the gateway's
 * own work is budgeted (issue 16: ≤ 50 µs of CPU above bare http-proxy-middleware): pino's generic
 * path (the mixin's AsyncLocalStorage lookup, an ISO timestamp per line, a walk over the object)
 * cost the gateway 12–19 µs of CPU a request, and pino-http before it (a child logger per request
 * for `req.log`, three listeners per response) about 35; this costs about 7, writing included
 * (performance-tests/gateway, LOG_LEVEL=info against warn). Every field is either made by the
 * gateway or JSON-encoded (the URL, the route).
 */
export function accessLogWriter(logger: Logger): AccessLogWriter | undefined {
  if (!logger.isLevelEnabled('info')) return undefined;
  const destination = (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym]!;
  const bindings = Object.entries(logger.bindings())
    .map(([name, value]) => `,${JSON.stringify(name)}:${JSON.stringify(value)}`)
    .join('');
  const errorsLogged = logger.isLevelEnabled('error');
  const now = isoTimeOfTheMillisecond();
  return (req, status, durationMs) => {
    const failed = status >= 500;
    if (failed && !errorsLogged) return;
    const head = failed ? '{"level":"error","time":"' : '{"level":"info","time":"';
    const url = JSON.stringify((req as { originalUrl?: string }).originalUrl ?? req.url ?? '');
    destination.write(
      `${head}${now()}"${bindings},"method":"${req.method}","url":${url},"request_id":"${requestIdOf(req)}",` +
        `"route":${JSON.stringify(routeTemplateOf(req))},"status":${status},` +
        `"duration_ms":${Math.round(durationMs * 100) / 100},"msg":"${failed ? 'request failed' : 'request completed'}"}\n`,
    );
  };
}

/** The current time as an ISO string, formatted once per millisecond however many lines share it. */
function isoTimeOfTheMillisecond(): () => string {
  let formattedAt = 0;
  let formatted = '';
  return () => {
    const now = Date.now();
    if (now !== formattedAt) {
      formattedAt = now;
      formatted = new Date(now).toISOString();
    }
    return formatted;
  };
}
