/** `@ecom/service-kit/config`: environment parsing (zod), read once and frozen by each service. */
export * from './env';
export * as env from './env-vars';
