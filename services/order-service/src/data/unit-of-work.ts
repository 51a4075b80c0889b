import type { Knex } from 'knex';
import { addToOutbox, inTransaction, type OutgoingEvent } from '@ecom/service-kit';
import { OrderRepository } from './order.repository';

export interface OrderRepositories {
  readonly orders: OrderRepository;
  addEvents(events: readonly OutgoingEvent[]): Promise<void>;
}

/** Runs `work` in one transaction: orders, lines and their outbox events commit together. */
export type UnitOfWork = <T>(work: (repositories: OrderRepositories) => Promise<T>) => Promise<T>;

export function createUnitOfWork(db: Knex, afterCommit: () => void = () => undefined): UnitOfWork {
  return async (work) => {
    const result = await inTransaction(db, (trx) =>
      work({ orders: new OrderRepository(trx), addEvents: (events) => addToOutbox(trx, events) }),
    );
    afterCommit();
    return result;
  };
}
