import type { Role } from '@ecom/auth';
import type { UpstreamName } from '../upstreams/route-table';

/** Who may call a route: anyone (no token), or a token with one of these roles. */
export type RouteAccess = 'anyone' | readonly Role[];

const ADMIN: readonly Role[] = Object.freeze(['admin']);
const CUSTOMER_OR_ADMIN: readonly Role[] = Object.freeze(['customer', 'admin']);

/** Catalogue reads: what a shop's visitor sees without signing in. */
const OPEN_TEMPLATES: ReadonlySet<string> = new Set(['/products', '/products/:id']);

/**
 * The roles each route of the API needs (route-table.ts lists the routes):
 *
 * | route                                  | access            |
 * |----------------------------------------|-------------------|
 * | GET, HEAD /products, /products/:id     | anyone            |
 * | any other method, or path, /products…  | admin             |
 * | every order route                      | customer or admin |
 *
 * A customer's orders are its own: the order service checks that (the `x-auth-*` headers), since
 * only it knows whose order an id is. `PUT /orders/:id/status` is open to customers for that
 * reason: a customer may cancel its own order, and only an admin may set another status.
 */
export function accessTo(method: string | undefined, upstream: UpstreamName, template: string): RouteAccess {
  if (upstream === 'order-service') return CUSTOMER_OR_ADMIN;
  const isRead = method === 'GET' || method === 'HEAD';
  return isRead && OPEN_TEMPLATES.has(template) ? 'anyone' : ADMIN;
}
