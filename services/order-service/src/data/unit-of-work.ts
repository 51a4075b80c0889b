import type { Knex } from 'knex';
import { inTransaction } from '@ecom/service-kit/db';
import { addToOutbox } from '@ecom/service-kit/outbox';
import type { UnitOfWork } from '../domain/ports';
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
      return work({
        orders: new OrderRepository(trx),
        completeIntents: (orderIds) => intents.completeReserving(orderIds),
        owedReleases: intents,
        addEvents: (events) => addToOutbox(trx, events.map(toOutgoingEvent)),
      });
    });
    afterCommit();
    return result;
  };
}
