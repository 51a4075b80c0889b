import { z } from 'zod';
import { env, parseEnv } from '@ecom/service-kit/config';
import { TOPICS, kafkaSecurity } from '@ecom/service-kit/kafka';

/**
 * The variables the product service reads: names, types and defaults (its database account's
 * included), declared once. Exported (`@ecom/product-service/config`) so whoever starts the service
 * builds its environment from these names (libraries/system-launcher).
 */
export const configSchema = z.object({
  PRODUCT_SERVICE_PORT: env.port(8081),
  PRODUCT_SERVICE_HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: env.logLevel,
  LOG_BUFFER_BYTES: env.logBufferBytes(4_096),
  ...env.kafkaEnv,
  ...env.mysqlEnv('PRODUCT_DB', { database: 'product_db', user: 'product_service', password: 'product_service_local' }),
  BODY_LIMIT: z.string().default('100kb'),
  OUTBOX_BATCH_SIZE: env.positiveInt(500),
  PRODUCT_EVENTS_TOPIC: z.string().min(1).default(TOPICS.productEvents.name),
  ...env.retentionEnv,
  /**
   * Released reservations are kept this long: while one exists, a reservation arriving late for
   * its order id (a retried or delayed call, seconds late) is refused. At least an hour.
   */
  RELEASED_RESERVATION_RETENTION_S: z.coerce.number().int().min(3_600).default(604_800),
});

export type ProductServiceConfig = ReturnType<typeof loadConfig>;

/** The product service's settings, read from the environment once; throws naming bad variables. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const raw = parseEnv(configSchema, source);
  return Object.freeze({
    service: 'product-service',
    port: raw.PRODUCT_SERVICE_PORT,
    host: raw.PRODUCT_SERVICE_HOST,
    logLevel: raw.LOG_LEVEL,
    logBufferBytes: raw.LOG_BUFFER_BYTES,
    bodyLimit: raw.BODY_LIMIT,
    outboxBatchSize: raw.OUTBOX_BATCH_SIZE,
    topicNames: Object.freeze({ [TOPICS.productEvents.name]: raw.PRODUCT_EVENTS_TOPIC }),
    retention: Object.freeze({
      intervalMs: raw.RETENTION_INTERVAL_MS,
      batchSize: raw.RETENTION_BATCH_SIZE,
      outboxMs: raw.OUTBOX_RETENTION_S * 1000,
      releasedReservationMs: raw.RELEASED_RESERVATION_RETENTION_S * 1000,
    }),
    kafka: Object.freeze({
      brokers: raw.KAFKA_BROKERS,
      clientId: raw.KAFKA_CLIENT_ID ?? 'product-service',
      security: kafkaSecurity(raw),
    }),
    database: Object.freeze({
      host: raw.MYSQL_HOST,
      port: raw.MYSQL_PORT,
      tls: raw.MYSQL_TLS,
      database: raw.PRODUCT_DB_NAME,
      user: raw.PRODUCT_DB_USER,
      password: raw.PRODUCT_DB_PASSWORD,
      poolMax: raw.PRODUCT_DB_POOL_MAX,
    }),
  });
}
