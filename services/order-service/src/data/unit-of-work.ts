import type { Knex } from 'knex';
import { addToOutbox, inTransaction, type OutgoingEvent } from '@ecom/service-kit';
import { OrderRepository } from './order.repository';
import { PlacementIntentRepository } from './placement-intent.repository';

export interface OrderRepositories {
  readonly orders: OrderRepository;
  readonly intents: PlacementIntentRepository;
  addEvents(events: readonly OutgoingEvent[]): Promise<void>;
}

/** Runs `work` in one transaction: orders, lines, their outbox events and the end of their intents commit together. */
export type UnitOfWork = <T>(work: (repositories: OrderRepositories) => Promise<T>) => Promise<T>;

export function createUnitOfWork(db: Knex, afterCommit: () => void = () => undefined): UnitOfWork {
  return async (work) => {
    const result = await inTransaction(db, (trx) =>
      work({
        orders: new OrderRepository(trx),
        intents: new PlacementIntentRepository(trx),
        addEvents: (events) => addToOutbox(trx, events),
      }),
    );
    afterCommit();
    return result;
  };
}
