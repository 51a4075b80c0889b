import type { Admin, Producer } from 'kafkajs';
import { createProducer } from '@ecom/service-kit/kafka';
import { createTestTopic, eventually, testKafka, uniqueSuffix } from '@ecom/service-kit/testing';
import { replayDeadLetters } from '../src/messaging/dead-letter-replay';

/**
 * The replay on its own, on topics of this file (real Kafka): what it takes from the dead-letter
 * topic, and what it leaves for the next run. The whole path (worker → dead letters → replay →
 * order placed) is in dead-letters.test.ts.
 */
describe('the dead-letter replay (real Kafka)', () => {
  let admin: Admin;
  let producer: Producer;
  let deadLetters: string;
  let requests: string;

  beforeAll(async () => {
    admin = testKafka().admin();
    await admin.connect();
    deadLetters = await createTestTopic(admin, 'replay-dlq', 3);
    requests = await createTestTopic(admin, 'replay-requests', 1);
    producer = createProducer(testKafka());
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [deadLetters, requests] }).catch(() => undefined);
    await admin.disconnect();
  });

  const sendDeadLetters = (letters: readonly { partition: number; value: string }[]) =>
    producer.send({ topic: deadLetters, acks: -1, messages: letters.map((letter) => ({ ...letter, key: null })) });

  /** Every value in `topic`, read from the beginning up to its end now. */
  async function valuesIn(topic: string): Promise<string[]> {
    const ends = await admin.fetchTopicOffsets(topic);
    const expected = ends.reduce((sum, end) => sum + Number(end.high) - Number(end.low), 0);
    const values: string[] = [];
    const reader = testKafka().consumer({ groupId: `test-reader-${uniqueSuffix()}` });
    await reader.connect();
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    await eventually(() => (values.length >= expected ? true : undefined));
    await reader.disconnect();
    return values.sort();
  }

  it('when dead letters arrive during a replay, then that replay leaves them and the next one sends them back, each once', async () => {
    await sendDeadLetters([
      { partition: 1, value: 'present-1' },
      { partition: 2, value: 'present-2' },
    ]);
    const groupId = `test-replay-${uniqueSuffix()}`;
    const replay = (onPlanned?: () => Promise<unknown>) =>
      replayDeadLetters({ kafka: testKafka(), from: deadLetters, to: requests, groupId, onPlanned });

    // Dead-lettered once the replay has fixed what it replays, before it reads: on a partition it
    // had nothing to do on (0) and behind the letters it replays (1, 2).
    const first = await replay(() =>
      sendDeadLetters([0, 1, 2].map((partition) => ({ partition, value: `during-${partition}` }))),
    );

    expect(first).toBe(2);
    expect(await valuesIn(requests)).toEqual(['present-1', 'present-2']);

    const second = await replay();

    expect(second).toBe(3);
    expect(await valuesIn(requests)).toEqual(['during-0', 'during-1', 'during-2', 'present-1', 'present-2']);
    expect(await replay()).toBe(0);
  });
});
