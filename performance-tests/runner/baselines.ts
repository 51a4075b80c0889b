/**
 * Every target at the same concurrency (closed loop), beside the database's, the plain commit
 * loop's and Kafka's own ceilings: what the gateway, the services and the infrastructure can do on
 * this machine, in the same run.
 */
import type { Baseline } from '../report/result.schema';
import { measureCommitLoop, measureDatabaseCeiling, measureKafkaCeiling, type CommitLoop } from './ceilings';
import type { Throughput } from './closed-loop';
import { ratio } from './result-builder';
import { env, runK6Step, withWorkerPaused, type RunContext } from './run-context';

export interface MeasuredBaselines {
  readonly baselines: Baseline[];
  /** Achieved req/s of each k6 mode at `vus` clients. */
  readonly rates: Readonly<Record<string, number>>;
  readonly database: Throughput;
  readonly commitLoop: CommitLoop;
}

export async function measureBaselines(ctx: RunContext): Promise<MeasuredBaselines> {
  const system = ctx.system!;
  const vus = Number(env('SATURATE_VUS', '32'));
  const seconds = Number(env('SATURATE_SECONDS', '10'));
  ctx.say(`baselines: every target with ${vus} clients for ${seconds} s each`);
  const rates = await saturateEveryTarget(ctx, vus, seconds);
  const productIds = JSON.parse(ctx.k6Env['PRODUCT_IDS'] ?? '[]') as number[];
  ctx.say(`baselines: the database ceiling (k6's order mix), ${vus} loops for ${seconds} s`);
  const database = await measureDatabaseCeiling(system.databases, productIds, vus, seconds);
  ctx.say(`baselines: the plain commit loop on the same MariaDB, ${vus} loops for ${seconds} s`);
  const commitLoop = await measureCommitLoop(system.databases.order, vus, seconds);
  ctx.say("baselines: Kafka's producer ceiling");
  const kafka = await measureKafkaCeiling(system.brokers, system.topics.producerCeiling);
  const rate = (mode: string) => rates[mode] ?? 0;
  const saturated = (mode: string, description: string, to?: [string, number]): Baseline => ({
    name: `${mode}, ${vus} clients`,
    description,
    value: rate(mode),
    unit: 'req/s',
    ...(to && { ratio: { to: to[0], value: ratio(rate(mode), to[1]) } }),
  });
  const baselines: Baseline[] = [
    saturated('bare-http', 'a bare node:http server answering 202 (the HTTP ceiling of this machine)'),
    saturated('noop-202', 'the same no-op 202 server behind a gateway', ['bare-http', rate('bare-http')]),
    saturated('async', 'POST /orders/async through the gateway', ['async-direct', rate('async-direct')]),
    saturated('async-direct', 'POST /orders/async to the order service directly'),
    saturated('sync', 'POST /orders through the gateway', ['database ceiling', database.perSecond]),
    saturated('sync-direct', 'POST /orders to the order service directly', ['sync', rate('sync')]),
    {
      name: `database ceiling, ${vus} loops`,
      description: `the sync order's reservation and order transactions in-process, k6's order mix, no HTTP (p50 ${database.p50Ms} ms, p99 ${database.p99Ms} ms)`,
      value: database.perSecond,
      unit: 'orders/s',
      ratio: { to: 'plain commit loop', value: ratio(database.perSecond, commitLoop.perSecond) },
    },
    {
      name: `plain commit loop, ${vus} loops`,
      description: `an autocommitted INSERT of a 32-byte row per loop on the same MariaDB, ${commitLoop.connections} connections (innodb_flush_log_at_trx_commit=${commitLoop.flushLogAtTrxCommit}, sync_binlog=${commitLoop.syncBinlog}; p50 ${commitLoop.p50Ms} ms, p99 ${commitLoop.p99Ms} ms)`,
      value: commitLoop.perSecond,
      unit: 'commits/s',
    },
    {
      name: 'Kafka producer ceiling',
      description: `Kafka's ProducerPerformance, ${kafka.records} × 300 B, acks=all, idempotent (p50 ${kafka.p50Ms} ms, p99 ${kafka.p99Ms} ms)`,
      value: kafka.perSecond,
      unit: 'records/s',
    },
  ];
  return { baselines, rates, database, commitLoop };
}

/** Acceptance with the worker paused (as the capacity search measures it), then sync. */
async function saturateEveryTarget(ctx: RunContext, vus: number, seconds: number): Promise<Record<string, number>> {
  // Closed loops: no end-to-end polling here, a polling client would not be sending orders.
  const saturate = (name: string, modes: string) =>
    runK6Step(
      ctx,
      name,
      {
        SCENARIO: 'saturate',
        MODES: modes,
        SATURATE_VUS: String(vus),
        STEP_SECONDS: String(seconds),
        GAP_SECONDS: '2',
        E2E_SAMPLE: '0',
      },
      false,
    );
  const accepting = await withWorkerPaused(ctx, () =>
    saturate('baselines-accept', 'bare-http,noop-202,async,async-direct'),
  );
  const placing = await saturate('baselines-sync', 'sync,sync-direct');
  return Object.fromEntries([...accepting.steps, ...placing.steps].map((step) => [step.mode, step.achievedRps]));
}
