import type { Knex } from 'knex';
import { inTransaction, isDuplicateKeyError, runStatementBatch } from '@ecom/service-kit/db';
import { addToOutbox, outboxInsert } from '@ecom/service-kit/outbox';
import { DuplicateOrderError, type PlacementWrites, type UnitOfWork } from '../domain/ports';
import { toOutgoingEvent } from '../messaging/order-events';
import { OrderRepository } from './order.repository';
import { PlacementIntentRepository } from './placement-intent.repository';

/**
 * The order service's transactions: orders and lines, the end of placement intents, owed
 * releases and the events (into the outbox) commit together; `afterCommit` (the relay's wake-up) runs once committed.
 */
export function createUnitOfWork(db: Knex, afterCommit: () => void = () => undefined): UnitOfWork {
  return async (work) => {
    const result = await inTransaction(db, (trx) => {
      const intents = new PlacementIntentRepository(trx);
      const orders = new OrderRepository(trx);
      return work({
        orders,
        writePlacement: (writes) => writePlacement(trx, { intents, orders }, writes),
        owedReleases: intents,
        addEvents: (events) => addToOutbox(trx, events.map(toOutgoingEvent)),
      });
    });
    afterCommit();
    return result;
  };
}

/**
 * A placement's four or five writes in ONE round trip (BEGIN and COMMIT are two more): measured,
 * this is most of what a write costs here (docs/performance.md, "Where the sync path's time goes").
 */
async function writePlacement(
  trx: Knex.Transaction,
  repositories: { intents: PlacementIntentRepository; orders: OrderRepository },
  { endingIntents, orders, owingReleases, events, now }: PlacementWrites,
): Promise<number> {
  const { intents } = repositories;
  const statements = [
    ...(endingIntents.length > 0 ? [intents.completeReservingStatement(endingIntents)] : []),
    ...(orders.length > 0 ? repositories.orders.insertStatements(orders, now) : []),
    ...(owingReleases.length > 0 ? [intents.oweStatement(owingReleases, now)] : []),
    ...(events.length > 0 ? [outboxInsert(trx, events.map(toOutgoingEvent))] : []),
  ];
  try {
    const outcomes = await runStatementBatch(
      trx,
      statements.map((statement) => statement.toSQL()),
    );
    return endingIntents.length > 0 ? outcomes[0]!.affectedRows : 0;
  } catch (error) {
    throw isDuplicateKeyError(error) ? new DuplicateOrderError(error) : error;
  }
}
