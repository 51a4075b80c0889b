import type { PlacementIntents, StockReservations } from './ports';

export interface SweepDependencies {
  readonly intents: Pick<PlacementIntents, 'findDue' | 'claim' | 'forget'>;
  /** Idempotent; the product service records a release even before a late reservation and refuses that one. */
  readonly stock: Pick<StockReservations, 'release'>;
  /** An intent this old belongs to a sync placement that is not coming back (its process died). */
  readonly abandonedAfterMs: number;
  readonly batchSize?: number;
}

export interface ReleasedLine {
  readonly product_id: number;
  readonly quantity: number;
}

export interface ReleasedOrder {
  readonly orderId: string;
  readonly items: readonly ReleasedLine[];
}

export interface SweepResult {
  /** Abandoned placements whose stock was given back (`items` empty: they held none), each reported by one sweep only. */
  readonly released: readonly ReleasedOrder[];
  /** Cancelled orders whose owed release was paid (`items` empty: released before), each reported once. */
  readonly settled: readonly ReleasedOrder[];
  /** The releases that failed this time (their intents stay for the next sweep). */
  readonly failed: readonly { readonly orderId: string; readonly error: unknown }[];
}

/**
 * One sweep: gives back the stock of sync orders whose placement was abandoned between the
 * reservation and the order's write (the process died, or its own release failed). Each old
 * intent is claimed first (`reserving` → `abandoned`, one conditional UPDATE): the order's write
 * deletes only a `reserving` intent, so either the order was written and the claim finds nothing,
 * or the claim won and that write is refused. Several order-service instances may sweep at once.
 * An intent already `abandoned` is a claimed one whose release failed: it is released again
 * (releasing twice moves stock once). The intent goes only after its release succeeded, and the
 * sweep that deletes it reports it. A release that fails is reported and the sweep goes on, so one
 * intent that cannot be released never holds up the others.
 * The releases cancelled orders owe (`releasing`) are due at once, whatever their age: no
 * placement is in flight for them. They are released and deleted the same way.
 */
export async function releaseAbandonedReservations(deps: SweepDependencies, now = new Date()): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - deps.abandonedAfterMs);
  const candidates = await deps.intents.findDue(cutoff, deps.batchSize ?? 100);
  const released: ReleasedOrder[] = [];
  const settled: ReleasedOrder[] = [];
  const failed: { orderId: string; error: unknown }[] = [];
  for (const intent of candidates) {
    const orderId = intent.order_id;
    // Not claimed: the order was written (or another instance claimed it) since it was read.
    if (intent.state === 'reserving' && !(await deps.intents.claim(orderId))) continue;
    let items: readonly ReleasedLine[];
    try {
      ({ items } = await deps.stock.release(orderId));
    } catch (error) {
      failed.push({ orderId, error });
      continue;
    }
    // Of sweepers releasing one intent together (an `abandoned` one is retried), one reports it.
    if (!(await deps.intents.forget(orderId))) continue;
    (intent.state === 'releasing' ? settled : released).push({ orderId, items });
  }
  return { released, settled, failed };
}
