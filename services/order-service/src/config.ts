import { z } from 'zod';
import { env, parseEnv } from '@ecom/service-kit/config';
import { TOPICS, kafkaSecurity } from '@ecom/service-kit/kafka';

/**
 * The variables the order service and its worker read: names, types and defaults, declared once.
 * Exported (`@ecom/order-service/config`) so whoever starts the service builds its environment
 * from these names (libraries/system-launcher) and a misspelt one does not compile.
 */
/**
 * How long the worker's consumer group waits for a silent member before it rebalances (kafkajs
 * sessionTimeout). Exported for the scaling benchmark, which freezes workers for less than this.
 */
export const WORKER_SESSION_TIMEOUT_MS = 10_000;

export const configSchema = z.object({
  ORDER_SERVICE_PORT: env.port(8082),
  ORDER_SERVICE_HOST: z.string().default('0.0.0.0'),
  ORDER_WORKER_PORT: env.port(8083),
  LOG_LEVEL: env.logLevel,
  LOG_BUFFER_BYTES: env.logBufferBytes(4_096),
  ...env.kafkaEnv,
  ...env.mysqlEnv('ORDER_DB', { database: 'order_db', user: 'order_service', password: 'order_service_local' }),
  PRODUCT_SERVICE_URLS: env.commaList(env.httpUrl).default(['http://127.0.0.1:8081']),
  PRODUCT_SERVICE_TIMEOUT_MS: env.positiveInt(3_000),
  BODY_LIMIT: z.string().default('100kb'),
  ORDER_REQUESTS_TOPIC: z.string().min(1).default(TOPICS.orderRequests.name),
  ORDER_REQUESTS_DLQ_TOPIC: z.string().min(1).default(TOPICS.orderRequestsDeadLetter.name),
  ORDER_EVENTS_TOPIC: z.string().min(1).default(TOPICS.orderEvents.name),
  ORDER_WORKER_GROUP: z.string().min(1).default('order-worker'),
  /**
   * The worker's pace. It consumes ORDER_WORKER_PARTITIONS_CONCURRENTLY partitions at once and
   * places each one's messages in chunks of ORDER_WORKER_CHUNK_SIZE orders: per chunk one batch
   * reservation call (more when a chunk exceeds the batch endpoint's 128 orders or 1,000 lines:
   * ceil(chunk size / 128) calls), one product-service transaction per call, and one order-db
   * transaction. Its fan-out must fit the pools it reaches:
   *
   *   partitions concurrently × ceil(chunk size / 128)  ≤  PRODUCT_SERVICE_MAX_IN_FLIGHT
   *                                                      ≤  the product service's PRODUCT_DB_POOL_MAX
   *   partitions concurrently + 1 (the outbox relay)    ≤  ORDER_DB_POOL_MAX
   *
   * More is never unsafe (calls beyond PRODUCT_SERVICE_MAX_IN_FLIGHT wait their turn), but calls
   * that wait are latency for nothing; and the worker and the HTTP order service (sync orders)
   * each have PRODUCT_SERVICE_MAX_IN_FLIGHT, both against the one product-service pool.
   * Chosen by `npm run perf:drain` with SWEEP_CHUNK_SIZES and SWEEP_PARTITIONS (see that file):
   * chunks of 128 (one full batch call) placed fastest in every run, ahead of 64, 32 and 16
   * (fewer transactions, commits and calls per order). 2 to 3 partitions at once were ahead of 4
   * to 6 in the sweeps, but within this machine's noise; the default stays at every partition of
   * the topic (6), because with 3 a replay of dead letters was placed late, now and then, in the
   * suite (services/order-service/test/dead-letters.test.ts, 1 run in 4). That was the test's own
   * race (it counted dead letters from a moment the parked copy could already be past), since fixed.
   */
  ORDER_WORKER_CHUNK_SIZE: env.positiveInt(128),
  ORDER_WORKER_PARTITIONS_CONCURRENTLY: env.positiveInt(6),
  /**
   * Failed attempts after which the worker rejects an order (reason `retries_exhausted`) instead of
   * retrying it again; with the back-off (0.2 s doubling to 10 s) 20 attempts span about 2.5 minutes.
   * A database or broker that is down does not count: only the order's own placement failing.
   */
  ORDER_WORKER_MAX_ATTEMPTS: env.positiveInt(20),
  /**
   * How long the broker may hold the worker's fetch when it has nothing new (kafkajs's
   * maxWaitTimeInMs, 5,000 by default). kafkajs fetches again only once every partition of the
   * previous fetch is processed, so a partition that finished its batch (or was paused after a
   * transient failure) waits for the others' fetch to return: with 5 s, a queued backlog drained
   * in steps with 5 s gaps between them (kafkajs issues #370, #1397), which `npm run perf --
   * scaling` showed as one worker placing 139 orders/s at 17 % of its CPU. At 100 ms an idle
   * worker fetches 10 times a second instead of once in 5 s.
   */
  ORDER_WORKER_FETCH_WAIT_MS: env.positiveInt(100),
  /**
   * Calls in flight to the product service from one process, at most (default: the product
   * service's database pool, PRODUCT_DB_POOL_MAX: each call is one transaction there); more wait
   * their turn, and one that waited longer than PRODUCT_SERVICE_TIMEOUT_MS is given up unsent. A
   * reservation that commits after its caller gave up is work done for nothing.
   */
  PRODUCT_SERVICE_MAX_IN_FLIGHT: env.positiveInt(10),
  /** How long after acceptance an async order not yet placed reads as "processing" (not 404). */
  ORDER_PROCESSING_WINDOW_S: env.positiveInt(86_400),
  /** Bound on waiting for Kafka to acknowledge an async order before answering 503. */
  KAFKA_ACK_TIMEOUT_MS: env.positiveInt(5_000),
  /** An Idempotency-Key is answered for this long; the retention sweep deletes it after. */
  IDEMPOTENCY_KEY_TTL_S: env.positiveInt(86_400),
  ...env.retentionEnv,
  /**
   * How long an in-flight Idempotency-Key holds before a retry may take it over (its request's
   * process died, say). Keep it above the longest placement (PRODUCT_SERVICE_TIMEOUT_MS with the
   * release retries, KAFKA_ACK_TIMEOUT_MS): a takeover of a request still running could place twice.
   */
  IDEMPOTENCY_LEASE_S: env.positiveInt(30),
  /**
   * Admission control of sync orders: at most SYNC_MAX_IN_FLIGHT placed at once; the others queue
   * while their expected wait (the queue ahead, at the measured time an order holds its slot) fits
   * SYNC_QUEUE_WAIT_MS, the part of a sync order's latency budget it may spend waiting; beyond it,
   * or beyond SYNC_MAX_QUEUED waiting, 503 + Retry-After at once. The defaults let a burst of 75
   * orders queue and be served within a second (docs/performance.md, "sync burst").
   */
  SYNC_MAX_IN_FLIGHT: env.positiveInt(16),
  SYNC_MAX_QUEUED: env.positiveInt(256),
  SYNC_QUEUE_WAIT_MS: env.positiveInt(750),
  /**
   * A sync order's placement intent this old is taken as abandoned (its process died between the
   * reservation and the order's write): the sweeper releases its stock, and a write arriving later
   * still is refused (503). Keep it well above the longest sync placement (PRODUCT_SERVICE_TIMEOUT_MS
   * plus the release retries); a value too low costs refused orders, never stock.
   */
  ABANDONED_INTENT_AFTER_MS: env.positiveInt(30_000),
  /** Pause between two sweeps of abandoned intents (HTTP order service only); at most setTimeout's 2^31-1. */
  INTENT_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().max(2_147_483_647).default(5_000),
});

export type OrderServiceConfig = ReturnType<typeof loadConfig>;

/** The order service's and worker's settings, read once; throws naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const raw = parseEnv(configSchema, source);
  return Object.freeze({
    service: 'order-service',
    port: raw.ORDER_SERVICE_PORT,
    workerPort: raw.ORDER_WORKER_PORT,
    host: raw.ORDER_SERVICE_HOST,
    logLevel: raw.LOG_LEVEL,
    logBufferBytes: raw.LOG_BUFFER_BYTES,
    bodyLimit: raw.BODY_LIMIT,
    kafka: Object.freeze({
      brokers: raw.KAFKA_BROKERS,
      clientId: raw.KAFKA_CLIENT_ID ?? 'order-service',
      security: kafkaSecurity(raw),
    }),
    database: Object.freeze({
      host: raw.MYSQL_HOST,
      port: raw.MYSQL_PORT,
      tls: raw.MYSQL_TLS,
      database: raw.ORDER_DB_NAME,
      user: raw.ORDER_DB_USER,
      password: raw.ORDER_DB_PASSWORD,
      poolMax: raw.ORDER_DB_POOL_MAX,
    }),
    productService: Object.freeze({
      urls: raw.PRODUCT_SERVICE_URLS,
      timeoutMs: raw.PRODUCT_SERVICE_TIMEOUT_MS,
      maxInFlight: raw.PRODUCT_SERVICE_MAX_IN_FLIGHT,
    }),
    topics: Object.freeze({
      orderRequests: raw.ORDER_REQUESTS_TOPIC,
      deadLetters: raw.ORDER_REQUESTS_DLQ_TOPIC,
      orderEvents: raw.ORDER_EVENTS_TOPIC,
    }),
    worker: Object.freeze({
      group: raw.ORDER_WORKER_GROUP,
      chunkSize: raw.ORDER_WORKER_CHUNK_SIZE,
      partitionsConcurrently: raw.ORDER_WORKER_PARTITIONS_CONCURRENTLY,
      maxAttempts: raw.ORDER_WORKER_MAX_ATTEMPTS,
      fetchWaitMs: raw.ORDER_WORKER_FETCH_WAIT_MS,
    }),
    processingWindowMs: raw.ORDER_PROCESSING_WINDOW_S * 1000,
    kafkaAckTimeoutMs: raw.KAFKA_ACK_TIMEOUT_MS,
    idempotencyKeyTtlMs: raw.IDEMPOTENCY_KEY_TTL_S * 1000,
    retention: Object.freeze({
      intervalMs: raw.RETENTION_INTERVAL_MS,
      batchSize: raw.RETENTION_BATCH_SIZE,
      outboxMs: raw.OUTBOX_RETENTION_S * 1000,
    }),
    idempotencyLeaseMs: raw.IDEMPOTENCY_LEASE_S * 1000,
    syncAdmission: Object.freeze({
      maxInFlight: raw.SYNC_MAX_IN_FLIGHT,
      maxQueued: raw.SYNC_MAX_QUEUED,
      maxQueueWaitMs: raw.SYNC_QUEUE_WAIT_MS,
    }),
    intentSweep: Object.freeze({
      abandonedAfterMs: raw.ABANDONED_INTENT_AFTER_MS,
      intervalMs: raw.INTENT_SWEEP_INTERVAL_MS,
    }),
  });
}
