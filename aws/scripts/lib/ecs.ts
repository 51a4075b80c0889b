/** Running one-off ECS tasks to completion, and reading and setting the instance counts of services. */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseOutput, step, withPrivateFile, type AwsCli } from './aws-cli';
import { activeDesiredCounts } from './stacks';

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

export interface TaskRunOptions {
  /** Environment overrides per container (passed in a file, so no value shows in a process list). */
  readonly containerEnvironments?: readonly ContainerEnvironment[];
  readonly pollSeconds?: number;
  /** Stop the task (and fail) when it has not stopped by then. */
  readonly timeoutSeconds?: number;
}

/** Starts a task in the private subnets and waits until it stopped; returns each container's exit code. */
export async function runTaskToCompletion(
  cli: AwsCli,
  cluster: string,
  taskDefinition: string,
  network: TaskNetwork,
  options: TaskRunOptions = {},
): Promise<Record<string, number | undefined>> {
  const taskArn = await startTask(cli, cluster, taskDefinition, network, options.containerEnvironments ?? []);
  const pollMs = (options.pollSeconds ?? 10) * 1000;
  const startedAt = Date.now();
  const deadline = options.timeoutSeconds === undefined ? Infinity : startedAt + options.timeoutSeconds * 1000;
  for (let lastStatus = ''; ; await sleep(Math.max(0, Math.min(pollMs, deadline - Date.now())))) {
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
    if (Date.now() >= deadline) return stopOnTimeout(cli, cluster, taskArn, options.timeoutSeconds ?? 0);
  }
}

async function startTask(
  cli: AwsCli,
  cluster: string,
  taskDefinition: string,
  network: TaskNetwork,
  containerEnvironments: readonly ContainerEnvironment[],
): Promise<string> {
  const overrides = {
    containerOverrides: containerEnvironments.map(({ name, environment }) => ({
      name,
      environment: Object.entries(environment).map(([key, value]) => ({ name: key, value })),
    })),
  };
  const started = await withPrivateFile(JSON.stringify(overrides), (file) =>
    cli.json<{ tasks: { taskArn: string }[]; failures: { reason: string }[] }>([
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
      `file://${file}`,
    ]),
  );
  const taskArn = started.tasks[0]?.taskArn;
  if (!taskArn) throw new Error(`the task did not start: ${started.failures.map((f) => f.reason).join('; ')}`);
  return taskArn;
}

async function stopOnTimeout(cli: AwsCli, cluster: string, taskArn: string, seconds: number): Promise<never> {
  const reason = `timed out after ${seconds} s (npm run aws)`;
  step(`  task ${taskArn.split('/').pop()}: ${reason}; stopping it`);
  await cli.text(['ecs', 'stop-task', '--cluster', cluster, '--task', taskArn, '--reason', reason]);
  throw new Error(`task ${taskArn} ${reason}; it was stopped`);
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

/** What `ecs describe-services` answers, as far as these scripts read it. */
export const describedServicesSchema = z.object({
  services: z.array(
    z.object({
      serviceName: z.string().optional(),
      desiredCount: z.number().optional(),
      status: z.string().optional(),
    }),
  ),
});

/** The desired count of each named service that is ACTIVE in the cluster, zeros included; missing ones are left out. */
export async function readDesiredCounts(
  cli: AwsCli,
  cluster: string,
  services: readonly string[],
): Promise<Map<string, number>> {
  const args = ['ecs', 'describe-services', '--cluster', cluster, '--services', ...services];
  return activeDesiredCounts(parseOutput(describedServicesSchema, await cli.text(args), args).services);
}

/**
 * Puts each service back at the count it ran before (after a scaling experiment, which sets them
 * itself; autoscaling is off during one), zero included, without waiting for ECS to settle. A
 * service whose count was not known, or could not be set, is named for the reader to set by hand;
 * neither is thrown, so it cannot hide why the experiment stopped.
 */
export async function restoreDesiredCounts(
  cli: AwsCli,
  cluster: string,
  before: ReadonlyMap<string, number>,
  services: readonly string[],
): Promise<void> {
  const known = [...before].map(([service, count]) => `${service} ${count}`).join(', ');
  if (known) step(`setting the services back to the counts they ran before: ${known}`);
  for (const service of services) {
    const count = before.get(service);
    if (count === undefined) {
      step(`${service}'s count before the experiment was not known (not ACTIVE then): set it by hand`);
      continue;
    }
    try {
      await setDesiredCount(cli, cluster, service, count);
    } catch (error) {
      step(`could not set ${service} back to ${count} (${(error as Error).message}); set it by hand`);
    }
  }
}
