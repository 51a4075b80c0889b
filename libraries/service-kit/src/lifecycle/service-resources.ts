import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { createDatabase, migrateToLatest, type DatabaseSettings, type Migration } from '../db/knex.factory';
import { createKafka, createProducer } from '../kafka/kafka.factory';
import type { KafkaSecurity } from '../kafka/kafka-security';
import { createLogger } from '../logging/logger';
import { createMetrics, registerPoolMetrics, type ServiceMetrics } from '../metrics/metrics';
import { runMain } from './graceful-shutdown';

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

/**
 * How long a server keeps an idle keep-alive connection: longer than any client of ours keeps one
 * (the gateway's pool drops idle sockets after 30 s; AWS's load balancer after 60 s). The side
 * that closes an idle connection must be the client: when the server closes it just as the client
 * sends a request on it, that request fails with ECONNRESET (a 502 at the gateway). Node's default
 * is 5 s, and its client agent does not shorten its own idle time to match.
 */
export const SERVER_KEEP_ALIVE_MS = 65_000;

export function keepConnectionsAlive<S extends Server>(server: S): S {
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  // Must exceed keepAliveTimeout, but never the time the server gives a whole request.
  const requestTimeout = server.requestTimeout > 0 ? server.requestTimeout : Infinity;
  server.headersTimeout = Math.min(SERVER_KEEP_ALIVE_MS + 1_000, requestTimeout);
  return server;
}

/** Starts listening and resolves once the port is bound, with the server and its actual port. */

export async function listen(
  app: { listen(port: number, host: string): Server },
  port: number,
  host: string,
): Promise<{ server: Server; port: number; url: string }> {
  const server = keepConnectionsAlive(app.listen(port, host));
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const bound = (server.address() as AddressInfo).port;
  return { server, port: bound, url: `http://127.0.0.1:${bound}` };
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
