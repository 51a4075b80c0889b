/** `@ecom/service-kit/db`: knex on MySQL (TLS to RDS), migrations, transactions and the errors a database raises. */
export * from './knex.factory';
export * from './database-tls';
export * from './database-errors';
export * from './batched-delete';
export * from './statement-batch';
