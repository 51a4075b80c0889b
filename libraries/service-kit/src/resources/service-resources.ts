import type { Knex } from 'knex';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { createDatabase, migrateToLatest, type DatabaseSettings, type Migration } from '../db/knex.factory';
import { createKafka, createProducer } from '../kafka/kafka.factory';
import type { KafkaSecurity } from '../kafka/kafka-security';
import { createLogger } from '../logging/logger';
import { createMetrics, registerPoolMetrics, type ServiceMetrics } from '../metrics/metrics';
import { runMain } from '../lifecycle/graceful-shutdown';

export interface ServiceResourceSettings {
  readonly service: string;
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** TLS and SASL (from `kafkaSecurity`); plain TCP when absent. */
  readonly kafkaSecurity?: KafkaSecurity;
  readonly database: Omit<DatabaseSettings, 'logger'>;
  readonly logger: Logger;
}

/** What every service holds: its database pool, a Kafka client with a connected producer and admin, metrics. */
export interface ServiceResources {
  readonly db: Knex;
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly admin: Admin;
  readonly metrics: ServiceMetrics;
  /** Readiness checks of the database and the broker. */
  readonly readiness: { mysql: () => Promise<unknown>; kafka: () => Promise<unknown> };
  /** Disconnects Kafka and destroys the pool (the last step of a graceful shutdown). */
  close(): Promise<void>;
}

export async function openServiceResources(settings: ServiceResourceSettings): Promise<ServiceResources> {
  const { logger } = settings;
  const db = createDatabase({ ...settings.database, logger });
  const kafka = createKafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logger,
    ...settings.kafkaSecurity,
  });
  const producer = createProducer(kafka);
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const metrics = createMetrics(settings.service);
  registerPoolMetrics(metrics.registry, db.client.pool);
  return {
    db,
    kafka,
    producer,
    admin,
    metrics,
    readiness: { mysql: () => db.raw('SELECT 1'), kafka: () => admin.describeCluster() },
    close: async () => {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      await db.destroy();
    },
  };
}

/** The body of a service's `migrate` entry point: bring its database to the latest schema. */
export function runMigrationsMain(
  service: string,
  loadDatabaseSettings: () => Omit<DatabaseSettings, 'logger'>,
  migrations: Readonly<Record<string, Migration>>,
): void {
  const logger = createLogger({ service: `${service}-migrate` });
  runMain(logger, async () => {
    const settings = loadDatabaseSettings();
    const db = createDatabase({ ...settings, logger });
    try {
      const applied = await migrateToLatest(db, migrations);
      logger.info(
        { applied, database: settings.database },
        applied.length ? 'migrations applied' : 'schema up to date',
      );
    } finally {
      await db.destroy();
    }
  });
}
