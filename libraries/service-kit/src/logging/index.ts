/** `@ecom/service-kit/logging`: pino logs that carry the request id of the work in hand. */
export * from './logger';
export * from './request-context';
