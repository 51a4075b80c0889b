/**
 * `npm run replay-dead-letters` (in services/order-service): sends the dead-lettered order
 * requests back to `order-requests`, once per run of the replay group, e.g. after a bug fix.
 */
import { createLogger } from '@ecom/service-kit/logging';
import { runMain } from '@ecom/service-kit/lifecycle';
import { createKafka } from '@ecom/service-kit/kafka';
import { loadConfig } from './config';
import { replayDeadLetters } from './messaging/dead-letter-replay';

const logger = createLogger({ service: 'replay-dead-letters' });

runMain(logger, async () => {
  const config = loadConfig();
  const kafka = createKafka({
    clientId: 'replay-dead-letters',
    brokers: config.kafka.brokers,
    logger,
    ...config.kafka.security,
  });
  const replayed = await replayDeadLetters({
    kafka,
    from: config.topics.deadLetters,
    to: config.topics.orderRequests,
    groupId: process.env['REPLAY_GROUP'] ?? 'order-dead-letter-replay',
    onPlanned: (plan) =>
      logger.info(
        { partitions: plan.map(({ partition, from, end }) => ({ partition, from: String(from), end: String(end) })) },
        'replaying the dead letters present now; later ones are left for the next run',
      ),
  });
  logger.info({ replayed, from: config.topics.deadLetters, to: config.topics.orderRequests }, 'dead letters replayed');
});
