/**
 * Everything the order domain needs from the outside world, declared here and implemented by
 * data/ (MySQL), clients/ (the product service) and messaging/ (Kafka). The domain imports no
 * I/O layer; the wiring (placement.wiring.ts, main.ts, worker.ts) hands it the implementations.
 */
import type { AppError } from '@ecom/service-kit/errors';
import type { NewOrder, Order, OrderRequest, OrderStatus, RequestedItem } from './order';
import type { OrderEvent } from './order-events';

/** A line as the product service reserved it, at the catalogue's price. */
export interface ReservedLine {
  readonly product_id: number;
  readonly quantity: number;
  readonly unit_price: string;
}

export interface Reservation {
  readonly items: readonly ReservedLine[];
  readonly total_amount: string;
}

/** One order's stock to reserve, under its order id. */
export interface StockRequest {
  readonly order_id: string;
  readonly items: readonly RequestedItem[];
  /** The request that accepted the order: its stock events carry it (one batch call serves many). */
  readonly request_id?: string;
}

/** What became of one order of `reserveMany`: its reservation, or why it has none. */
export type ReservationAttempt =
  | { readonly order_id: string; readonly reservation: Reservation; readonly error?: undefined }
  | { readonly order_id: string; readonly reservation?: undefined; readonly error: AppError };

/** The product service, the only writer of stock. Refusals (409 short stock, 422 unknown product) reject with non-retriable AppErrors. */
export interface StockReservations {
  /** Reserves every item or none, at the catalogue's prices; idempotent per order id. */
  reserve(orderId: string, items: readonly RequestedItem[]): Promise<Reservation>;
  /** Gives the order's units back; idempotent, and a reservation for the id arriving later is refused. */
  release(orderId: string): Promise<{ readonly items: readonly Omit<ReservedLine, 'unit_price'>[] }>;
  /** Whether a failed `reserve` (or batch call) may have committed anyway (a timeout, a broken connection). */
  mayHaveReserved(error: AppError): boolean;
}

/** The worker's way to the product service: a chunk's reservations in batch calls. */
export interface BatchStockReservations extends StockReservations {
  /**
   * Reserves several orders as `reserve` does each, in batch calls (one product-service
   * transaction each). Resolves one attempt per order, in order, and never rejects: a refusal is
   * that order's non-retriable AppError; a call that failed gives each of its orders the call's
   * retriable error (`mayHaveReserved` tells whether it may have committed all the same).
   */
  reserveMany(orders: readonly StockRequest[]): Promise<ReservationAttempt[]>;
}

export interface OrderFilter {
  readonly userId?: number;
  readonly status?: OrderStatus;
  readonly afterId?: string;
  readonly limit: number;
}

/** Orders as stored: reads outside a transaction. */
export interface OrderReader {
  findById(id: string): Promise<Order | undefined>;
  /** Which of `ids` exist already (a redelivered async request is not placed twice). */
  findExistingIds(ids: readonly string[]): Promise<ReadonlySet<string>>;
  list(filter: OrderFilter): Promise<Order[]>;
}

/** Orders inside a transaction (new ones are written by `OrderTransaction.writePlacement`). */
export interface OrderWriter {
  findById(id: string, options?: { forUpdate?: boolean }): Promise<Order | undefined>;
  updateStatus(id: string, status: OrderStatus, now: Date): Promise<void>;
}

/**
 * `reserving`: a sync placement may be holding stock; `abandoned`: one the sweeper claimed, whose
 * stock it gives back; `releasing`: stock a cancelled order owes back (see OwedReleases).
 */
export type PlacementIntentState = 'reserving' | 'abandoned' | 'releasing';

export interface PlacementIntent {
  readonly order_id: string;
  readonly state: PlacementIntentState;
  readonly created_at: Date;
}

/**
 * Durable "this sync order may be holding stock" records. Written (committed) before the
 * reservation, ended in the order's own transaction, or once the stock is known not to be held;
 * one left behind (its process died) is claimed by the sweeper, which releases the stock. The
 * sweeper also pays the releases cancelled orders owe (`releasing`, see OwedReleases).
 */
export interface PlacementIntents {
  record(orderIds: readonly string[], now: Date): Promise<void>;
  /** Deletes the intent whatever its state; true when this call deleted it. */
  forget(orderId: string): Promise<boolean>;
  /** What the sweeper has to do, oldest first: intents created before `cutoff`, and every owed release. */
  findDue(cutoff: Date, limit: number): Promise<readonly PlacementIntent[]>;
  /** `reserving` → `abandoned`; true when this call made the change (the intent is ours to release). */
  claim(orderId: string): Promise<boolean>;
}

/**
 * Stock a cancelled order owes back: recorded in the cancel's own transaction (so a cancel that
 * commits is never without it), deleted once the product service confirmed the release; until
 * then the sweeper releases it again and again (a release is idempotent).
 */
export interface OwedReleases {
  /** Records that `orderId`'s stock is owed back (a `releasing` intent); recording it twice is one debt. */
  owe(orderId: string, now: Date): Promise<void>;
  /** The product service confirmed the release: the debt is gone. */
  settle(orderId: string): Promise<void>;
}

/** What one transaction may touch: orders, the end of intents, owed releases, and events (to the outbox). */
export interface OrderTransaction {
  readonly orders: OrderWriter;
  /**
   * A placement's writes, all sent at once: deletes the intents in `endingIntents` still
   * `reserving`, inserts the orders and their lines, owes the releases and adds the events.
   * Resolves with how many intents it deleted (fewer than asked: a sweeper claimed some, and the
   * caller must not commit); rejects with DuplicateOrderError when an order exists already.
   */
  writePlacement(writes: PlacementWrites): Promise<number>;
  readonly owedReleases: OwedReleases;
  addEvents(events: readonly OrderEvent[]): Promise<void>;
}

export interface PlacementWrites {
  readonly endingIntents: readonly string[];
  readonly orders: readonly NewOrder[];
  readonly owingReleases: readonly string[];
  readonly events: readonly OrderEvent[];
  readonly now: Date;
}

/** Runs `work` in one transaction: all of it commits, or none of it does. */
export type UnitOfWork = <T>(work: (transaction: OrderTransaction) => Promise<T>) => Promise<T>;

/** Where accepted async orders wait for the worker; resolves once the request is durably written. */
export interface OrderRequestQueue {
  enqueue(request: OrderRequest): Promise<void>;
}

/** An order id that is stored already (raised by OrderTransaction.writePlacement). */
export class DuplicateOrderError extends Error {
  constructor(cause: unknown) {
    super('an order with this id exists already', { cause });
    this.name = 'DuplicateOrderError';
  }
}
