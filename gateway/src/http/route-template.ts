import type { IncomingMessage } from 'node:http';

const ROUTE = Symbol('gateway.route');

type WithRoute = IncomingMessage & { [ROUTE]?: string; route?: { path?: unknown } };

/** Where the proxy names the public route a request matched (e.g. `/orders/:id`). */
export function setRouteTemplate(req: IncomingMessage, template: string): void {
  (req as WithRoute)[ROUTE] = template;
}

/**
 * The route template of a request, for metrics and logs (never the raw path, which would make a
 * label per id): the proxy's, else Express's own for the gateway's local routes, else `unmatched`.
 */
export function routeTemplateOf(req: IncomingMessage): string {
  const request = req as WithRoute;
  const named = request[ROUTE];
  if (named !== undefined) return named;
  const local = request.route?.path;
  return typeof local === 'string' ? local : 'unmatched';
}
