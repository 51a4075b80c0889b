/**
 * `npm run kafka -- topics | groups | lag | tail` (infrastructure/kafka/kafka-cli.sh) against the real
 * broker: a topic and consumer groups of this file's own, messages produced with kafkajs, then what
 * Kafka's own tools print. Each call starts a JVM, so they run side by side.
 */
import { execFile } from 'node:child_process';
import { TEST_BROKERS, createTestTopic, testKafka, uniqueSuffix } from '@ecom/service-kit/testing';
import { repoPath } from './support/repo';

type Kafka = ReturnType<typeof testKafka>;
type Admin = ReturnType<Kafka['admin']>;
type Producer = ReturnType<Kafka['producer']>;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function kafkaCli(args: string[], viaNpm = false): Promise<Result> {
  const [command, commandArgs] = viaNpm
    ? ['npm', ['run', '--silent', 'kafka', '--', ...args]]
    : ['bash', [repoPath('infrastructure/kafka/kafka-cli.sh'), ...args]];
  return new Promise((resolve) => {
    execFile(
      command,
      commandArgs,
      { cwd: repoPath('.'), env: { ...process.env, KAFKA_BROKERS: TEST_BROKERS.join(',') }, timeout: 45_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run kafka', () => {
  const suffix = uniqueSuffix();
  const group = `test.kafka-cli.${suffix}`;
  const tailGroup = `test.kafka-cli-tail.${suffix}`;
  const requestId = `req-${suffix}`;
  let admin: Admin;
  let producer: Producer;
  let topic: string;
  let topics: Result;
  let groups: Result;
  let lag: Result;
  let tail: Result;

  beforeAll(async () => {
    const kafka = testKafka();
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    topic = await createTestTopic(admin, 'kafka-cli', 1);
    await producer.send({
      topic,
      messages: [1, 2, 3].map((n) => ({
        key: `order-${n}`,
        value: JSON.stringify({ n, suffix }),
        headers: { 'x-request-id': requestId },
      })),
    });
    // The group has consumed the first message: two are left.
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '1' }] });

    [topics, groups, lag, tail] = await Promise.all([
      kafkaCli(['topics']),
      kafkaCli(['groups'], true),
      kafkaCli(['lag', group]),
      kafkaCli([
        'tail',
        topic,
        '--from-beginning',
        '--max-messages',
        '3',
        '--timeout-ms',
        '30000',
        '--group',
        tailGroup,
      ]),
    ]);
  }, 60_000);

  afterAll(async () => {
    await admin.deleteGroups([group, tailGroup]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  });

  it('when asked for topics, then the topic is listed with its partitions', () => {
    expect(topics.code).toBe(0);
    expect(topics.stdout).toMatch(
      new RegExp(`Topic: ${topic.replace(/\./g, '\\.')}\\s+TopicId: \\S+\\s+PartitionCount: 1\\b`),
    );
  });

  it('when asked for groups (through npm run), then the group is listed with its state', () => {
    expect(groups.code).toBe(0);
    expect(groups.stdout).toMatch(new RegExp(`^${group.replace(/\./g, '\\.')}\\s+Empty\\b`, 'm'));
  });

  it("when asked for a group's lag, then each partition shows committed offset, end offset and lag", () => {
    const row = lag.stdout.split('\n').find((line) => line.includes(topic));

    expect(lag.code).toBe(0);
    expect(lag.stdout).toMatch(/CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG/);
    expect(row?.split(/\s+/).slice(0, 6)).toEqual([group, topic, '0', '1', '3', '2']);
  });

  it('when tailing a topic from the beginning, then it prints each message with its key, headers and value', () => {
    const lines = tail.stdout.split('\n').filter((line) => line.includes(suffix));

    expect(tail.code).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('Partition:0');
    expect(lines[0]).toContain('Offset:0');
    expect(lines[0]).toContain(`x-request-id:${requestId}`);
    expect(lines[0]).toContain('order-1');
    expect(lines[2]).toContain(JSON.stringify({ n: 3, suffix }));
  });

  it('when the command is unknown, then it prints the usage and exits 2', async () => {
    const result = await kafkaCli(['nonsense']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('npm run kafka -- topics');
  });
});
