/**
 * Helpers for tests that run against the real MySQL and Kafka. Each test file gets a database
 * and topics of its own (random names), so files run in parallel and never see each other's data,
 * nor that of a running `npm start`.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Admin, Kafka } from 'kafkajs';
import { createDatabase, type DatabaseSettings } from '../db/knex.factory';
import { createKafka, createTopicsWithLeaders } from '../kafka/kafka.factory';
import { createLogger, type Logger } from '../logging/logger';

export const TEST_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

/** The MySQL account of each service, as `infrastructure/mysql/mysql.sh` provisions it. */
export function serviceDatabaseAccount(service: 'product' | 'order'): Omit<DatabaseSettings, 'database'> {
  const prefix = service === 'product' ? 'PRODUCT_DB' : 'ORDER_DB';
  return {
    host: process.env['MYSQL_HOST'] ?? '127.0.0.1',
    port: Number(process.env['MYSQL_PORT'] ?? 3306),
    user: process.env[`${prefix}_USER`] ?? `${service}_service`,
    password: process.env[`${prefix}_PASSWORD`] ?? `${service}_service_local`,
    poolMax: 10,
  };
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

export interface TestDatabase {
  readonly name: string;
  readonly settings: DatabaseSettings;
  readonly db: Knex;
  drop(): Promise<void>;
}

/**
 * Creates `<service>_db_test_<random>` with the service's own account (it has rights on that
 * name pattern only) and returns a knex instance on it; `drop()` removes it again.
 */
export async function createTestDatabase(service: 'product' | 'order'): Promise<TestDatabase> {
  const account = serviceDatabaseAccount(service);
  const name = `${service}_db_test_${uniqueSuffix()}`;
  const admin = createDatabase({ ...account, database: '', poolMax: 1 });
  try {
    await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
  } finally {
    await admin.destroy();
  }
  const settings = { ...account, database: name };
  const db = createDatabase(settings);
  return {
    name,
    settings,
    db,
    drop: async () => {
      await db.raw('DROP DATABASE IF EXISTS ??', [name]);
      await db.destroy();
    },
  };
}

/** A logger that writes nothing unless TEST_LOG_LEVEL asks for it. */
export function testLogger(service = 'test'): Logger {
  return createLogger({ service, level: (process.env['TEST_LOG_LEVEL'] as 'debug' | undefined) ?? 'silent' });
}

export function testKafka(clientId = `test-${uniqueSuffix()}`): Kafka {
  return createKafka({ clientId, brokers: TEST_BROKERS, logger: testLogger('kafkajs') });
}

/** Creates a topic with a random name (prefix kept readable) and returns its name. */
export async function createTestTopic(admin: Admin, prefix: string, partitions = 1): Promise<string> {
  const topic = `test.${prefix}.${uniqueSuffix()}`;
  await createTopicsWithLeaders(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
  return topic;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
