import { z } from 'zod';

/** Reusable zod pieces for environment variables, so every service reads them the same way. */

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

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

/** The variables every service that talks to Kafka reads. */
export const kafkaEnv = {
  KAFKA_BROKERS: commaList(hostPort).default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().optional(),
};

/** The variables every service that owns a MySQL database reads; `prefix` is e.g. `PRODUCT_DB`. */
export function mysqlEnv<P extends string>(prefix: P, defaults: { database: string; user: string; password: string }) {
  return {
    MYSQL_HOST: z.string().default('127.0.0.1'),
    MYSQL_PORT: port(3306),
    [`${prefix}_NAME`]: z.string().min(1).default(defaults.database),
    [`${prefix}_USER`]: z.string().min(1).default(defaults.user),
    [`${prefix}_PASSWORD`]: z.string().default(defaults.password),
    [`${prefix}_POOL_MAX`]: positiveInt(10),
  } as {
    MYSQL_HOST: z.ZodDefault<z.ZodString>;
    MYSQL_PORT: ReturnType<typeof port>;
  } & Record<`${P}_NAME` | `${P}_USER` | `${P}_PASSWORD`, z.ZodDefault<z.ZodString>> &
    Record<`${P}_POOL_MAX`, ReturnType<typeof positiveInt>>;
}
