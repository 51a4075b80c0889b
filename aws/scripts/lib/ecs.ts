/** Running one-off ECS tasks to completion, and setting the instance counts of services. */
import { setTimeout as sleep } from 'node:timers/promises';
import { step, type AwsCli } from './aws-cli';

export interface TaskNetwork {
  readonly subnets: string;
  readonly securityGroup: string;
}

export interface ContainerEnvironment {
  readonly name: string;
  readonly environment: Readonly<Record<string, string>>;
}

interface DescribedTask {
  readonly lastStatus: string;
  readonly stoppedReason?: string;
  readonly containers: readonly { name: string; exitCode?: number; reason?: string }[];
}

/** Starts a task in the private subnets and waits until it stopped; returns each container's exit code. */
export async function runTaskToCompletion(
  cli: AwsCli,
  cluster: string,
  taskDefinition: string,
  network: TaskNetwork,
  containerEnvironments: readonly ContainerEnvironment[] = [],
  pollSeconds = 10,
): Promise<Record<string, number | undefined>> {
  const overrides = {
    containerOverrides: containerEnvironments.map(({ name, environment }) => ({
      name,
      environment: Object.entries(environment).map(([key, value]) => ({ name: key, value })),
    })),
  };
  const started = await cli.json<{ tasks: { taskArn: string }[]; failures: { reason: string }[] }>([
    'ecs',
    'run-task',
    '--cluster',
    cluster,
    '--task-definition',
    taskDefinition,
    '--launch-type',
    'FARGATE',
    '--network-configuration',
    JSON.stringify({
      awsvpcConfiguration: {
        subnets: network.subnets.split(','),
        securityGroups: [network.securityGroup],
        assignPublicIp: 'DISABLED',
      },
    }),
    '--overrides',
    JSON.stringify(overrides),
  ]);
  const taskArn = started.tasks[0]?.taskArn;
  if (!taskArn) throw new Error(`the task did not start: ${started.failures.map((f) => f.reason).join('; ')}`);
  const startedAt = Date.now();
  for (let lastStatus = ''; ; await sleep(pollSeconds * 1000)) {
    const { tasks } = await cli.json<{ tasks: DescribedTask[] }>([
      'ecs',
      'describe-tasks',
      '--cluster',
      cluster,
      '--tasks',
      taskArn,
    ]);
    const task = tasks[0];
    if (!task) throw new Error(`task ${taskArn} vanished`);
    if (task.lastStatus !== lastStatus) {
      lastStatus = task.lastStatus;
      step(`  task ${taskArn.split('/').pop()}: ${lastStatus} after ${Math.round((Date.now() - startedAt) / 1000)} s`);
    }
    if (task.lastStatus === 'STOPPED') {
      if (task.stoppedReason) step(`  stopped: ${task.stoppedReason}`);
      return Object.fromEntries(task.containers.map((container) => [container.name, container.exitCode]));
    }
  }
}

/** Sets a service's desired count (outside CloudFormation, as autoscaling would). */
export async function setDesiredCount(cli: AwsCli, cluster: string, service: string, count: number): Promise<void> {
  await cli.text([
    'ecs',
    'update-service',
    '--cluster',
    cluster,
    '--service',
    service,
    '--desired-count',
    String(count),
  ]);
}

export async function waitForServicesStable(cli: AwsCli, cluster: string, services: readonly string[]): Promise<void> {
  step(`waiting until ${services.join(', ')} run their desired counts`);
  const waited = await cli.attempt(['ecs', 'wait', 'services-stable', '--cluster', cluster, '--services', ...services]);
  if (waited.code !== 0) throw new Error(`services did not become stable: ${waited.stderr.trim()}`);
}
