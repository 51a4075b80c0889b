/** The upstream services the gateway routes to, by the name used in config, metrics and logs. */
export type UpstreamName = 'product-service' | 'order-service';

/** A public route: its template (for metrics and logs) and the service that answers it. */
export interface PublicRoute {
  readonly template: string;
  readonly upstream: UpstreamName;
}

const route = (template: string, upstream: UpstreamName): PublicRoute => Object.freeze({ template, upstream });

const PRODUCTS = route('/products', 'product-service');
const PRODUCT = route('/products/:id', 'product-service');
const PRODUCT_STOCK_ADJUSTMENTS = route('/products/:id/stock-adjustments', 'product-service');
const PRODUCT_SUBPATH = route('/products/:id/*', 'product-service');
const ORDERS = route('/orders', 'order-service');
const ASYNC_ORDERS = route('/orders/async', 'order-service');
const ORDER = route('/orders/:id', 'order-service');
const ORDER_STATUS = route('/orders/:id/status', 'order-service');

/** The public routes, for documentation and tests: every method/template pair the gateway forwards. */
export const PUBLIC_ROUTES: readonly { readonly methods: string; readonly route: PublicRoute }[] = [
  { methods: 'any', route: PRODUCTS },
  { methods: 'any', route: PRODUCT },
  { methods: 'any', route: PRODUCT_STOCK_ADJUSTMENTS },
  { methods: 'any', route: PRODUCT_SUBPATH },
  { methods: 'GET, POST', route: ORDERS },
  { methods: 'POST', route: ASYNC_ORDERS },
  { methods: 'GET', route: ORDER },
  { methods: 'PUT', route: ORDER_STATUS },
];

/** Dot segments (`/./`, `/../`, also percent-encoded) never reach a service: no path tricks into `/internal`. */
const dotSegment = /\/(?:\.|%2e){1,2}(?:\/|$)/i;

/**
 * Which public route `method` + `url` is, or undefined (then the gateway answers 404 itself).
 * Plain string checks instead of a router: this runs on every proxied request. Everything under
 * `/products` belongs to the product service; only the listed order routes are public, so
 * `/internal/*` (and any other path) is never forwarded.
 */
export function matchPublicRoute(method: string | undefined, url: string | undefined): PublicRoute | undefined {
  if (url === undefined || method === undefined) return undefined;
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.startsWith('/products')) return matchProducts(path);
  if (path.startsWith('/orders')) return matchOrders(method, path);
  return undefined;
}

function matchProducts(path: string): PublicRoute | undefined {
  if (path === '/products' || path === '/products/') return PRODUCTS;
  if (path.charCodeAt(9) !== 47 /* "/" */ || dotSegment.test(path)) return undefined;
  const idEnd = path.indexOf('/', 10);
  if (idEnd === -1) return PRODUCT;
  return path.slice(idEnd) === '/stock-adjustments' ? PRODUCT_STOCK_ADJUSTMENTS : PRODUCT_SUBPATH;
}

function matchOrders(method: string, path: string): PublicRoute | undefined {
  const isGet = method === 'GET' || method === 'HEAD';
  if (path === '/orders' || path === '/orders/') return isGet || method === 'POST' ? ORDERS : undefined;
  if (path.charCodeAt(7) !== 47 /* "/" */ || dotSegment.test(path)) return undefined;
  // Order ids are UUIDs, so `/orders/async` is never an order: other methods get 405, not a lookup.
  if (path === '/orders/async') return method === 'POST' ? ASYNC_ORDERS : undefined;
  const idEnd = path.indexOf('/', 8);
  if (idEnd === -1) return isGet && path.length > 8 ? ORDER : undefined;
  if (idEnd > 8 && path.slice(idEnd) === '/status' && method === 'PUT') return ORDER_STATUS;
  return undefined;
}

/**
 * The methods an order path answers to, when `path` is one of the public order routes (so a
 * request with another method gets 405 and `Allow`, not 404); empty for any other path.
 */
export function allowedOrderMethods(path: string): readonly string[] {
  if (path === '/orders' || path === '/orders/') return ['GET', 'HEAD', 'POST'];
  if (!path.startsWith('/orders/') || dotSegment.test(path)) return [];
  if (path === '/orders/async') return ['POST'];
  const idEnd = path.indexOf('/', 8);
  if (idEnd === -1) return path.length > 8 ? ['GET', 'HEAD'] : [];
  return idEnd > 8 && path.slice(idEnd) === '/status' ? ['PUT'] : [];
}
