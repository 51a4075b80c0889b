import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error';
import type { DependencyCheck } from '../health/readiness';
import type { ServiceMetrics } from '../metrics/metrics';
import { errorMiddleware, requestIdMiddleware } from './koa-middleware';
import { httpMetricsMiddleware, operabilityMiddleware } from './operability.middleware';

export interface ServiceAppOptions {
  readonly service: string;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly readiness: Readonly<Record<string, DependencyCheck>>;
  /** Checks that fail `/health` (the process must be replaced); see `OperabilityOptions.liveness`. */
  readonly liveness?: Readonly<Record<string, DependencyCheck>>;
  /** The service's routes, e.g. `router.routes()` and `router.allowedMethods()` of @koa/router. */
  // The router's middleware expects a context extended with params; Koa's own type cannot say so.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly routes: readonly Koa.Middleware<Koa.DefaultState, any>[];
  /** Largest accepted JSON body; larger ones get 413. */
  readonly bodyLimit?: string;
}

/**
 * The Koa app every service runs: request id → error mapping → /health, /ready, /metrics and
 * latency metrics → JSON-only bodies (415 otherwise, 413 over the limit, 400 when malformed) → routes.
 */
export function createServiceApp(options: ServiceAppOptions): Koa {
  const app = new Koa();
  app.proxy = true;
  app.use(requestIdMiddleware());
  app.use(httpMetricsMiddleware(options.metrics));
  app.use(errorMiddleware(options.logger));
  app.use(operabilityMiddleware(options));
  app.use(requireJsonBody());
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: options.bodyLimit ?? '100kb',
      encoding: 'utf-8',
      onError: (error) => {
        throw bodyError(error);
      },
    }),
  );
  options.routes.forEach((middleware) => app.use(middleware));
  return app;
}

/** co-body marks a body over the limit with status 413 and unparsable JSON with status 400. */
function bodyError(error: Error): AppError {
  const status = (error as { status?: unknown }).status;
  if (status === 413) {
    return new AppError('payload_too_large', 'The request body is too large', { status: 413, cause: error });
  }
  return new AppError('malformed_json', 'The request body is not valid JSON', {
    status: 400,
    cause: error,
    details: [{ message: error.message }],
  });
}

/** The parsed JSON body of the request, to be validated by the caller (undefined when none). */
export function requestBody(ctx: Koa.Context): unknown {
  return (ctx.request as unknown as { body?: unknown }).body;
}

/** A request with a body must say it is JSON; anything else is refused before it is read. */
function requireJsonBody(): Koa.Middleware {
  return async (ctx, next) => {
    const hasBody = ['POST', 'PUT', 'PATCH'].includes(ctx.method) && ctx.request.length !== 0;
    if (hasBody && ctx.request.is('application/json') === false) {
      throw new AppError('unsupported_media_type', 'The request body must be application/json', { status: 415 });
    }
    await next();
  };
}
