/**
 * Everything the catalogue domain needs from storage, declared here and implemented by data/
 * (MySQL through knex). The domain imports no I/O layer.
 */
import type { CatalogueEvent } from './catalogue-events';
import type { Product, ProductFields, ProductFilter } from './product';
import type { Reservation } from './reservation';

/** A live product's units on hand and price, as read under its row lock. */
export interface StockAndPrice {
  readonly stock: number;
  readonly price: string;
}

export interface ProductStore {
  insert(fields: ProductFields, now: Date): Promise<Product>;
  findById(id: number, options?: { forUpdate?: boolean }): Promise<Product | undefined>;
  list(filter: ProductFilter): Promise<Product[]>;
  /** Replaces the fields; a new stock level moves the conserved total by the same difference. */
  update(id: number, fields: ProductFields, now: Date): Promise<Product | undefined>;
  softDelete(id: number, now: Date): Promise<boolean>;
  /** Moves stock and the conserved total by `delta` (a delivery, a write-off); the caller checks the range. */
  moveStock(id: number, delta: number, now: Date): Promise<void>;
  /**
   * Stock and price of the live products among `ids`, their rows locked until the transaction
   * ends, taken in id order in one statement (so lockers never deadlock on each other).
   */
  lockStockAndPrices(ids: readonly number[]): Promise<Map<number, StockAndPrice>>;
  /** Puts units back (a release); deleted products get them back too. */
  returnStock(id: number, quantity: number, now: Date): Promise<void>;
}

export interface ReservationStore {
  /** Claims the order id for a reservation or a release; false when one exists for it already. */
  claim(orderId: string, status: Reservation['status'], now: Date): Promise<boolean>;
  find(orderId: string, options?: { forUpdate?: boolean }): Promise<Reservation | undefined>;
  /** The reservations and releases of these order ids with their lines, keyed by orderKey (one read). */
  findMany(orderIds: readonly string[]): Promise<Map<string, Reservation>>;
  markReleased(orderId: string, now: Date): Promise<boolean>;
}

/** What a use case may touch inside one transaction. */
export interface CatalogueTransaction {
  readonly products: ProductStore;
  readonly reservations: ReservationStore;
  /** Events to publish, written to the outbox in the same transaction. */
  addEvents(events: readonly CatalogueEvent[]): Promise<void>;
  /**
   * A batch's writes, all sent at once while the products' rows are locked (`lockStockAndPrices`):
   * the new reservations and their lines, the units taken and the events. When one of the order
   * ids was claimed meanwhile (a concurrent reservation or release committed), rejects with a
   * retriable `concurrent_change`: the unit of work runs again and then finds that claim.
   */
  writeReservations(writes: ReservationWrites): Promise<void>;
}

export interface ReservationWrites {
  readonly reservations: readonly Reservation[];
  /** Units taken per product id. */
  readonly taken: ReadonlyMap<number, number>;
  readonly events: readonly CatalogueEvent[];
  readonly now: Date;
}

/** Runs `work` in one transaction: all of it commits, or none of it does. */
export type UnitOfWork = <T>(work: (transaction: CatalogueTransaction) => Promise<T>) => Promise<T>;
