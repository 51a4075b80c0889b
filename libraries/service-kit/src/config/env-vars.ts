import { z } from 'zod';

/** Reusable zod pieces for environment variables, so every service reads them the same way. */

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** pino's stdout writer refuses a batch size of 16 KiB or more. */
export const MAX_LOG_BUFFER_BYTES = 16_000;

/** `LOG_BUFFER_BYTES`: log lines are written in batches of this size (see createLogger); 0 = every line at once. */
export const logBufferBytes = (fallback: number) =>
  z.coerce.number().int().min(0).max(MAX_LOG_BUFFER_BYTES).default(fallback);

export const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must look like host:port');

/** An http(s) base URL; a trailing slash is dropped so paths can be appended. */
export const httpUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''));

/** A comma-separated list whose items must each satisfy `item`, e.g. `KAFKA_BROKERS=h1:9092,h2:9092`. */
export const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1, 'must list at least one value'));

/**
 * A variable whose value must never be echoed (a secret, a password): when parseEnv refuses it,
 * the error names the variable and the rule, and says the value is not shown.
 */
export const secret = <T extends z.ZodType>(schema: T): T => schema.meta({ redacted: true });

/** Whether `schema` was declared with `secret`. */
export function isSecret(schema: z.ZodType | undefined): boolean {
  // .optional(), .default() and .pipe() wrap a schema without its metadata: look inside them too.
  for (let inner = schema; inner !== undefined; inner = wrappedBy(inner)) {
    if (inner.meta()?.['redacted'] === true) return true;
  }
  return false;
}

function wrappedBy(schema: z.ZodType): z.ZodType | undefined {
  const def = schema.def as { innerType?: z.ZodType; in?: z.ZodType };
  return def.innerType ?? def.in;
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`) as a boolean; anything else is refused at start. */
export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** How a client authenticates to Kafka: not at all (local), AWS IAM (Amazon MSK), or a user and password. */
export const kafkaSaslMechanisms = ['none', 'aws-msk-iam', 'plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * The variables every service that talks to Kafka reads. Unset security variables mean plain TCP
 * without authentication (the local broker); `kafka/kafka-security.ts` maps them to kafkajs options.
 */
export const kafkaEnv = {
  KAFKA_BROKERS: commaList(hostPort).default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().optional(),
  /** TLS to the brokers; unset: on for `aws-msk-iam` (MSK requires it), off otherwise. */
  KAFKA_SSL: flag.optional(),
  KAFKA_SASL_MECHANISM: z.enum(kafkaSaslMechanisms).default('none'),
  /** For `plain` and `scram-*` only. */
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: secret(z.string().optional()),
  /** The region `aws-msk-iam` signs its tokens for (ECS sets AWS_REGION in every task). */
  AWS_REGION: z.string().optional(),
};

/** A timer's period in milliseconds: positive, at most setTimeout's 2^31-1. */
export const intervalMs = (fallback: number) => z.coerce.number().int().positive().max(2_147_483_647).default(fallback);

/**
 * The housekeeping every service with a database runs (`startPeriodicTask`): how often, how many
 * rows one DELETE takes at most (a large backlog goes in many short statements), and how long a
 * published outbox row is kept (Kafka holds the event; the row is kept for inspection only).
 */
export const retentionEnv = {
  RETENTION_INTERVAL_MS: intervalMs(60_000),
  RETENTION_BATCH_SIZE: z.coerce.number().int().positive().max(100_000).default(1_000),
  OUTBOX_RETENTION_S: positiveInt(86_400),
};

/** TLS to MySQL: off (local), or verified against the Amazon RDS certificate authorities (db/database-tls.ts). */
export const mysqlTlsModes = ['off', 'rds'] as const;
export const mysqlTls = z.enum(mysqlTlsModes).default('off');

/** The variables every service that owns a MySQL database reads; `prefix` is e.g. `PRODUCT_DB`. */
export function mysqlEnv<P extends string>(prefix: P, defaults: { database: string; user: string; password: string }) {
  return {
    MYSQL_HOST: z.string().default('127.0.0.1'),
    MYSQL_PORT: port(3306),
    MYSQL_TLS: mysqlTls,
    [`${prefix}_NAME`]: z.string().min(1).default(defaults.database),
    [`${prefix}_USER`]: z.string().min(1).default(defaults.user),
    [`${prefix}_PASSWORD`]: secret(z.string().default(defaults.password)),
    [`${prefix}_POOL_MAX`]: positiveInt(10),
  } as {
    MYSQL_HOST: z.ZodDefault<z.ZodString>;
    MYSQL_PORT: ReturnType<typeof port>;
    MYSQL_TLS: typeof mysqlTls;
  } & Record<`${P}_NAME` | `${P}_USER` | `${P}_PASSWORD`, z.ZodDefault<z.ZodString>> &
    Record<`${P}_POOL_MAX`, ReturnType<typeof positiveInt>>;
}
