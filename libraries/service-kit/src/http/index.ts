/** `@ecom/service-kit/http`: the Koa app every service runs (request ids, errors, operability, admission control). */
export * from './koa-middleware';
export * from './operability.middleware';
export * from './service-app';
export * from './load-shedder';
