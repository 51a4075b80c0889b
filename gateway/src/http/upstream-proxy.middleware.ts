import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { toAppError } from '@ecom/service-kit/errors';
import { createProxyMiddleware, type ProxyPlugin } from '../upstreams/http-proxy-middleware.loader';
import type { UpstreamName } from '../upstreams/route-table';
import { classifyUpstreamError, upstreamError } from '../upstreams/upstream-errors';
import { hasUndeclaredLength, limitStreamedBody } from './body-limit.middleware';
import { sendError } from './errors.middleware';
import type { GatewayMetrics } from './gateway-metrics';
import type { Middleware } from './middleware-chain';
import { requestIdOf } from './request-id';

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
 *
 * Each instance has two proxies: one for requests whose body has a declared length (nearly all),
 * with fixed options, and one for chunked bodies, whose `router` hook (called per request with
 * that request's copy of the options, http-proxy-middleware 4.1+) gives the body a byte counter
 * to stream through. The common case thus skips the router's per-request await.
 */
export function createUpstreamProxy(settings: UpstreamProxySettings): Middleware {
  const failures = answerUpstreamFailures(settings);
  const proxyTo = (target: URL, countChunkedBody: boolean) =>
    createProxyMiddleware<IncomingMessage, ServerResponse>({
      target,
      ...(countChunkedBody && {
        router: (req, res, options) => {
          options.buffer = countBody(req, res, settings.bodyLimitBytes);
          return target;
        },
      }),
      agent: settings.agent,
      proxyTimeout: settings.timeoutMs,
      xfwd: true,
      // Replace the default plugins (plain-text error pages, console logging) with ours.
      ejectPlugins: true,
      plugins: [failures],
    });
  const targets = settings.urls.map((url) => new URL(url));
  const plain = targets.map((target) => proxyTo(target, false));
  const counted = targets.map((target) => proxyTo(target, true));
  let turn = 0;
  // The proxy answers its own failures (see below); a rejection would be a bug, and goes to `next`.
  return (req, res, next) => {
    const proxy = (hasUndeclaredLength(req) ? counted : plain)[turn]!;
    turn = (turn + 1) % targets.length;
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
