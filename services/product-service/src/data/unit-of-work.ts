import type { Knex } from 'knex';
import { inTransaction, runStatementBatch } from '@ecom/service-kit/db';
import { addToOutbox, outboxInsert } from '@ecom/service-kit/outbox';
import type { ReservationWrites, UnitOfWork } from '../domain/ports';
import { toOutgoingEvent } from '../messaging/product-events';
import { ProductRepository, checkStockTaken } from './product.repository';
import { ReservationRepository, claimedMeanwhile } from './reservation.repository';

/**
 * The product service's transactions: repositories bound to one MySQL transaction, events into
 * the outbox of the same transaction, and `afterCommit` (the relay's wake-up) once it committed.
 */
export function createUnitOfWork(db: Knex, afterCommit: () => void = () => undefined): UnitOfWork {
  return async (work) => {
    const result = await inTransaction(db, (trx) => {
      const products = new ProductRepository(trx);
      const reservations = new ReservationRepository(trx);
      return work({
        products,
        reservations,
        addEvents: (events) => addToOutbox(trx, events.map(toOutgoingEvent)),
        writeReservations: (writes) => writeReservations(trx, { products, reservations }, writes),
      });
    });
    afterCommit();
    return result;
  };
}

/**
 * A batch's four writes in ONE round trip, so the products' row locks, taken just before, are
 * held for that round trip and the commit only (docs/performance.md, "Where the sync path's time goes").
 */
async function writeReservations(
  trx: Knex.Transaction,
  repositories: { products: ProductRepository; reservations: ReservationRepository },
  { reservations, taken, events, now }: ReservationWrites,
): Promise<void> {
  const statements = [
    ...repositories.reservations.insertStatements(reservations, now),
    repositories.products.takeStockStatement(taken, now),
    ...(events.length > 0 ? [outboxInsert(trx, events.map(toOutgoingEvent))] : []),
  ];
  let outcomes;
  try {
    outcomes = await runStatementBatch(
      trx,
      statements.map((statement) => statement.toSQL()),
    );
  } catch (error) {
    throw claimedMeanwhile(error);
  }
  checkStockTaken(taken, outcomes[2]!.affectedRows);
}
