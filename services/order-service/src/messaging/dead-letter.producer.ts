import type { KafkaMessage, Producer } from 'kafkajs';
import { ACKS_ALL } from '@ecom/service-kit/kafka';

/**
 * Sends a message the worker cannot process to the dead-letter topic, unchanged, with why and
 * where it came from in headers, so it can be inspected and replayed.
 */
export async function sendToDeadLetters(
  producer: Producer,
  deadLetterTopic: string,
  source: { topic: string; partition: number; message: KafkaMessage },
  reason: string,
): Promise<void> {
  const { message } = source;
  await producer.send({
    topic: deadLetterTopic,
    acks: ACKS_ALL,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          'dlq-error': reason.slice(0, 1_000),
          'dlq-source-topic': source.topic,
          'dlq-source-partition': String(source.partition),
          'dlq-source-offset': message.offset,
          'dlq-failed-at': new Date().toISOString(),
        },
      },
    ],
  });
}
