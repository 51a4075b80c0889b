/** `@ecom/service-kit/lifecycle`: listening with sane keep-alive, graceful shutdown, a main wrapper. */
export * from './graceful-shutdown';
export * from './http-server';
