/** `@ecom/service-kit/lifecycle`: listening with sane keep-alive, graceful shutdown, a main wrapper, periodic tasks, time limits. */
export * from './graceful-shutdown';
export * from './http-server';
export * from './periodic-task';
export * from './time-limit';
