/**
 * Everything the catalogue domain needs from storage, declared here and implemented by data/
 * (MySQL through knex). The domain imports no I/O layer.
 */
import type { CatalogueEvent } from './catalogue-events';
import type { Product, ProductFields, ProductFilter } from './product';
import type { Reservation, ReservationLine } from './reservation';

export interface ProductStore {
  insert(fields: ProductFields, now: Date): Promise<Product>;
  findById(id: number, options?: { forUpdate?: boolean }): Promise<Product | undefined>;
  list(filter: ProductFilter): Promise<Product[]>;
  /** Replaces the fields; a new stock level moves the conserved total by the same difference. */
  update(id: number, fields: ProductFields, now: Date): Promise<Product | undefined>;
  softDelete(id: number, now: Date): Promise<boolean>;
  /** Moves stock and the conserved total by `delta` (a delivery, a write-off); the caller checks the range. */
  moveStock(id: number, delta: number, now: Date): Promise<void>;
  /** Takes `quantity` units if that many are on hand, atomically; false otherwise. */
  takeStock(id: number, quantity: number, now: Date): Promise<boolean>;
  /** Puts units back (a release); deleted products get them back too. */
  returnStock(id: number, quantity: number, now: Date): Promise<void>;
  /** Current stock and price of the live products among `ids`. */
  findStockAndPrices(ids: readonly number[]): Promise<Map<number, { stock: number; price: string }>>;
}

export interface ReservationStore {
  /** Claims the order id for a reservation or a release; false when one exists for it already. */
  claim(orderId: string, status: Reservation['status'], now: Date): Promise<boolean>;
  saveLines(orderId: string, lines: readonly ReservationLine[], totalAmount: string): Promise<void>;
  find(orderId: string, options?: { forUpdate?: boolean }): Promise<Reservation | undefined>;
  markReleased(orderId: string, now: Date): Promise<boolean>;
}

/** What a use case may touch inside one transaction. */
export interface CatalogueTransaction {
  readonly products: ProductStore;
  readonly reservations: ReservationStore;
  /** Events to publish, written to the outbox in the same transaction. */
  addEvents(events: readonly CatalogueEvent[]): Promise<void>;
}

/** Runs `work` in one transaction: all of it commits, or none of it does. */
export type UnitOfWork = <T>(work: (transaction: CatalogueTransaction) => Promise<T>) => Promise<T>;
