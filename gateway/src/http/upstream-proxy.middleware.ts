import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { toAppError } from '@ecom/service-kit/errors';
import { createProxyMiddleware, type ProxyPlugin } from '../upstreams/http-proxy-middleware.loader';
import type { UpstreamName } from '../upstreams/route-table';
import { classifyUpstreamError, upstreamError } from '../upstreams/upstream-errors';
import { hasUndeclaredLength, limitStreamedBody } from './body-limit.middleware';
import { sendError } from './errors.middleware';
import type { GatewayMetrics } from './metrics.middleware';
import type { Middleware } from './middleware-chain';
import { requestIdOf } from './request-id.middleware';

export interface UpstreamProxySettings {
  readonly name: UpstreamName;
  /** Base URLs of the service's instances, used in turn (round-robin). */
  readonly urls: readonly string[];
  readonly timeoutMs: number;
  /** A keep-alive agent shared by every upstream, or false for a new connection per request. */
  readonly agent: Agent | false;
  readonly bodyLimitBytes: number;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}

/**
 * Streams requests to one service through http-proxy-middleware: method, path, query, headers
 * (with `X-Request-Id`) and body go as they came, and status, headers and body come back as the
 * service sent them. The instance is picked round-robin per request. A service that refuses,
 * stays silent for `timeoutMs` or breaks the connection is answered for in the shared error shape.
 */
export function createUpstreamProxy(settings: UpstreamProxySettings): Middleware {
  const targets = settings.urls.map((url) => new URL(url));
  let turn = 0;
  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: targets[0],
    // Called per request with that request's copy of the options (http-proxy-middleware 4.1+):
    // it picks the instance, and gives a chunked body a byte counter to stream through.
    router: (req, res, options) => {
      if (hasUndeclaredLength(req)) options.buffer = countBody(req, res, settings.bodyLimitBytes);
      const target = targets[turn]!;
      turn = (turn + 1) % targets.length;
      return target;
    },
    agent: settings.agent,
    proxyTimeout: settings.timeoutMs,
    xfwd: true,
    // Replace the default plugins (plain-text error pages, console logging) with ours.
    ejectPlugins: true,
    plugins: [answerUpstreamFailures(settings)],
  });
  // The proxy answers its own failures (see below); a rejection would be a bug, and goes to `next`.
  return (req, res, next) => {
    proxy(req, res, next).catch(next);
  };
}

/** A chunked body goes through a byte counter; over the limit, the client gets 413 at once. */
function countBody(req: IncomingMessage, res: ServerResponse | undefined, limitBytes: number) {
  const body = limitStreamedBody(req, limitBytes);
  body.once('error', (error) => {
    if (!res) return;
    res.setHeader('Connection', 'close');
    sendError(req, res, toAppError(error));
  });
  return body;
}

function answerUpstreamFailures(settings: UpstreamProxySettings): ProxyPlugin<IncomingMessage, ServerResponse> {
  const timedOut = new WeakSet<IncomingMessage>();
  return (proxyServer) => {
    proxyServer.on('proxyReq', (proxyReq, req, _res, options) => {
      // httpxy's proxyTimeout destroys the request without saying why; remember that it was the timer.
      proxyReq.once('timeout', () => timedOut.add(req));
      // A body that went over the limit stops the upstream request too.
      options.buffer?.once('error', () => proxyReq.destroy());
    });
    proxyServer.on('error', (error, req, res) => {
      if (!req || !isResponse(res) || res.writableEnded) return;
      const kind = classifyUpstreamError(error, timedOut.has(req));
      settings.metrics.upstreamErrors.labels(settings.name, kind).inc();
      const context = { err: error, upstream: settings.name, kind, request_id: requestIdOf(req) };
      settings.logger.warn(context, 'upstream call failed');
      sendError(req, res, upstreamError(settings.name, kind, error));
    });
  };
}

function isResponse(res: ServerResponse | Socket | undefined): res is ServerResponse {
  return res !== undefined && 'writeHead' in res;
}
