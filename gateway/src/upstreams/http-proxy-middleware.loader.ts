import type * as HttpProxyMiddleware from 'http-proxy-middleware' with { 'resolution-mode': 'import' };

/**
 * http-proxy-middleware 4 is published as ES modules only, and the gateway compiles to CommonJS.
 * Node 20.19+ loads an ES module through `require()` (require(esm)), but TypeScript's `node16`
 * module mode cannot express that as an `import`, so the types come from the ES module and the
 * value from `require`. This file is the only place that knows; everything else imports from here.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: require(esm) of an ESM-only package
const loaded = require('http-proxy-middleware') as typeof HttpProxyMiddleware;

export const createProxyMiddleware = loaded.createProxyMiddleware;
export type { Options as ProxyOptions, Plugin as ProxyPlugin } from 'http-proxy-middleware' with {
  'resolution-mode': 'import',
};
