/**
 * Kafka access and worker scaling of the services and scaling stacks against the topics and the
 * consumer group: each task role may touch exactly its topics, and the worker never scales past
 * the partitions it consumes.
 */
import { TOPICS } from '@ecom/service-kit/kafka';
import { loadConfig as loadOrderConfig } from '@ecom/order-service/config';
import { scopeOf } from './support/task-definitions';
import { templateOf } from './support/templates';

describe('Kafka access and worker scaling agree with the topics and the consumer group', () => {
  const { template } = scopeOf('services');
  const topicsIn = (role: string, action: string) =>
    (
      ((
        template.Resources[role]?.Properties?.['Policies'] as {
          PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] };
        }[]
      )[0]?.PolicyDocument.Statement ?? []) as { Action: string[]; Resource: unknown }[]
    )
      .filter((statement) => statement.Action.includes(action))
      .flatMap((statement) => JSON.stringify(statement.Resource).match(/topic\/\$\{Name\}\/\*\/([\w.*-]+)/g) ?? [])
      .map((resource) => resource.split('/').pop())
      .sort();

  it('when the services produce and consume, then each role may write and read exactly its topics', () => {
    expect(topicsIn('ProductServiceTaskRole', 'kafka-cluster:WriteData')).toEqual([TOPICS.productEvents.name]);
    expect(topicsIn('OrderServiceTaskRole', 'kafka-cluster:WriteData')).toEqual(
      [TOPICS.orderEvents.name, TOPICS.orderRequests.name].sort(),
    );
    expect(topicsIn('OrderWorkerTaskRole', 'kafka-cluster:ReadData')).toEqual([TOPICS.orderRequests.name]);
    expect(topicsIn('OrderWorkerTaskRole', 'kafka-cluster:WriteData')).toEqual(
      [TOPICS.orderEvents.name, TOPICS.orderRequestsDeadLetter.name].sort(),
    );
    expect(topicsIn('KafkaTopicsTaskRole', 'kafka-cluster:CreateTopic')).toEqual(['*']);
  });

  it('when the worker joins its consumer group, then the role, the scaling metric and the config name the same group and topic', () => {
    const group = loadOrderConfig({}).worker.group;
    expect(JSON.stringify(template.Resources['OrderWorkerTaskRole']?.Properties)).toContain(
      `group/\${Name}/*/${group}`,
    );
    const scaling = templateOf('scaling');
    const dimensions = JSON.stringify(scaling.Resources['OrderWorkerLagPolicy']?.Properties);
    expect(dimensions).toContain(`{"Name":"Consumer Group","Value":"${group}"}`);
    expect(dimensions).toContain(`{"Name":"Topic","Value":"${TOPICS.orderRequests.name}"}`);
  });

  it('when the worker scales out, then it never gets more tasks than order-requests has partitions', () => {
    const partitions = TOPICS.orderRequests.partitions;
    const scaling = templateOf('scaling');
    expect(Number(scaling.Parameters?.['WorkerMaxCount']?.Default)).toBeLessThanOrEqual(partitions);
    expect(Number((scaling.Parameters?.['WorkerMaxCount'] as { MaxValue?: number }).MaxValue)).toBe(partitions);
    expect(Number((template.Parameters?.['OrderWorkerDesiredCount'] as { MaxValue?: number }).MaxValue)).toBe(
      partitions,
    );
  });
});
