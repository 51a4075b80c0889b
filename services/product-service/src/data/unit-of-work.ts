import type { Knex } from 'knex';
import { inTransaction } from '@ecom/service-kit/db';
import { addToOutbox } from '@ecom/service-kit/outbox';
import type { UnitOfWork } from '../domain/ports';
import { toOutgoingEvent } from '../messaging/product-events';
import { ProductRepository } from './product.repository';
import { ReservationRepository } from './reservation.repository';

/**
 * The product service's transactions: repositories bound to one MySQL transaction, events into
 * the outbox of the same transaction, and `afterCommit` (the relay's wake-up) once it committed.
 */
export function createUnitOfWork(db: Knex, afterCommit: () => void = () => undefined): UnitOfWork {
  return async (work) => {
    const result = await inTransaction(db, (trx) =>
      work({
        products: new ProductRepository(trx),
        reservations: new ReservationRepository(trx),
        addEvents: (events) => addToOutbox(trx, events.map(toOutgoingEvent)),
      }),
    );
    afterCommit();
    return result;
  };
}
