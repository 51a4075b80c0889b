/**
 * The worker's drain rate: the worker stopped, a burst of async orders queued, the worker started,
 * and the drain timed from the orders themselves: how many it placed, between the first and the
 * last one's `created_at` (the lag alone moves in steps, with the worker's offset commits).
 */
import { createDatabase } from '@ecom/service-kit/db';
import type { Baseline } from '../report/result.schema';
import { ratio } from './result-builder';
import { awaitDrained, runK6Step, type RunContext } from './run-context';

export interface Drain {
  readonly orders: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export async function measureDrain(ctx: RunContext, orders: number): Promise<Drain | undefined> {
  const system = ctx.system!;
  ctx.say(`drain: worker stopped, sending ${orders} async orders`);
  await system.stopWorker();
  await runK6Step(ctx, 'drain-burst', { SCENARIO: 'burst', BURST_ORDERS: String(orders), E2E_SAMPLE: '0' }, false);
  const restartedAt = new Date();
  await system.restartWorker();
  const readyAfterS = (Date.now() - restartedAt.getTime()) / 1000;
  await awaitDrained(ctx, 600_000);
  const db = createDatabase(system.databases.order);
  try {
    const row = (await db('orders')
      .where('created_at', '>=', restartedAt)
      .first(db.raw('count(*) as n'), db.raw('min(created_at) as first'), db.raw('max(created_at) as last'))) as
      { n: number; first: Date | null; last: Date | null } | undefined;
    if (!row?.first || !row.last || Number(row.n) === 0) return undefined;
    const seconds = Math.max(0.001, (row.last.getTime() - row.first.getTime()) / 1000);
    ctx.say(
      `drain: ${row.n} orders placed in ${seconds.toFixed(1)} s (worker ready after ${readyAfterS.toFixed(1)} s)`,
    );
    return { orders: Number(row.n), seconds, perSecond: Math.round(Number(row.n) / seconds) };
  } finally {
    await db.destroy();
  }
}

export function drainAsBaseline(drain: Drain, asyncAcceptance: number | undefined): Baseline {
  return {
    name: 'worker drain rate',
    description: `${drain.orders} queued async orders placed in ${drain.seconds.toFixed(1)} s by one worker process (first to last order placed)`,
    value: drain.perSecond,
    unit: 'orders/s',
    ...(asyncAcceptance !== undefined &&
      asyncAcceptance > 0 && {
        ratio: { to: 'async acceptance capacity', value: ratio(drain.perSecond, asyncAcceptance) },
      }),
  };
}
