import type { StoredResponse } from '../data/idempotency.repository';
import type { OrderRequestMessage } from '../messaging/order-request.message';
import { newOrderId } from './order-id';
import { placeOrders, type PlacementDependencies } from './place-orders.use-case';

export interface OrderBody {
  readonly user_id: number;
  readonly items: readonly { readonly product_id: number; readonly quantity: number }[];
}

export interface FrontDoorHooks {
  /** Called with each outcome, for metrics. */
  readonly onOutcome?: (mode: 'sync' | 'async', outcome: 'placed' | 'refused' | 'accepted') => void;
}

/** Sync: place the order now with the shared use case; 201 with the order, or its refusal thrown. */
export function placeNow(placement: PlacementDependencies, hooks: FrontDoorHooks = {}) {
  return async (body: OrderBody): Promise<StoredResponse> => {
    const [result] = await placeOrders(placement, [
      { ...body, order_id: newOrderId(), mode: 'sync', accepted_at: new Date() },
    ]);
    if (result!.kind === 'refused' || result!.kind === 'retry') {
      if (result!.kind === 'refused') hooks.onOutcome?.('sync', 'refused');
      throw result!.error;
    }
    hooks.onOutcome?.('sync', 'placed');
    return { status: 201, body: result!.order };
  };
}

/**
 * Async: give the order its id at once and hand it to Kafka; 202 only after the broker
 * acknowledged it (`send` rejects with a 503 otherwise). The worker places it later.
 */
export function acceptForLater(send: (message: OrderRequestMessage) => Promise<void>, hooks: FrontDoorHooks = {}) {
  return async (body: OrderBody): Promise<StoredResponse> => {
    const id = newOrderId();
    await send({ order_id: id, user_id: body.user_id, items: [...body.items], accepted_at: new Date().toISOString() });
    hooks.onOutcome?.('async', 'accepted');
    return { status: 202, body: { id, status: 'accepted' } };
  };
}
