#!/usr/bin/env node
/** Creates the system's Kafka topics (declared in kafka/topics.ts) on KAFKA_BROKERS, idempotently. */
import { z } from 'zod';
import { parseEnv } from '../config/env';
import { kafkaEnv, logLevel } from '../config/env-vars';
import { createKafka, ensureTopics } from '../kafka/kafka.factory';
import { ALL_TOPICS } from '../kafka/topics';
import { createLogger } from '../logging/logger';

async function main(): Promise<void> {
  const config = parseEnv(z.object({ ...kafkaEnv, LOG_LEVEL: logLevel }));
  const logger = createLogger({ service: 'ensure-topics', level: config.LOG_LEVEL });
  const admin = createKafka({ clientId: 'ensure-topics', brokers: config.KAFKA_BROKERS, logger }).admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin, ALL_TOPICS);
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
