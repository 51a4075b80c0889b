#!/usr/bin/env node
/**
 * Creates the system's Kafka topics (declared in kafka/topics.ts) on KAFKA_BROKERS, idempotently,
 * with the same TLS / SASL settings as the services and KAFKA_REPLICATION_FACTOR replicas (1 locally).
 */
import { z } from 'zod';
import { parseEnv } from '../config/env';
import { kafkaEnv, logLevel, positiveInt } from '../config/env-vars';
import { createKafka, ensureTopics } from '../kafka/kafka.factory';
import { kafkaSecurity } from '../kafka/kafka-security';
import { ALL_TOPICS } from '../kafka/topics';
import { createLogger } from '../logging/logger';

async function main(): Promise<void> {
  const config = parseEnv(z.object({ ...kafkaEnv, LOG_LEVEL: logLevel, KAFKA_REPLICATION_FACTOR: positiveInt(1) }));
  const logger = createLogger({ service: 'ensure-topics', level: config.LOG_LEVEL });
  const security = kafkaSecurity(config);
  const admin = createKafka({ clientId: 'ensure-topics', brokers: config.KAFKA_BROKERS, logger, ...security }).admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin, ALL_TOPICS, config.KAFKA_REPLICATION_FACTOR);
    const names = ALL_TOPICS.map((topic) => topic.name).join(', ');
    console.log(created.length ? `[kafka] created topics: ${created.join(', ')}` : `[kafka] topics present: ${names}`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`[kafka] could not create topics: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
