import { AppError, notFoundError } from '@ecom/service-kit/errors';
import { NEXT_STATUSES, canMove, type Order, type OrderStatus } from './order';
import { assertMayMoveTo, isVisibleTo, type Requester } from './order-access.policy';
import type { StockReservations, UnitOfWork } from './ports';

export interface StatusChangeDependencies {
  readonly unitOfWork: UnitOfWork;
  readonly stock: Pick<StockReservations, 'release'>;
  /** Who asks: a customer may only cancel, and only its own orders (order-access.policy.ts). */
  readonly requester: Requester;
}

/**
 * Moves an order along its lifecycle. Cancelling gives its stock back exactly once and never
 * forgets it: the status change and the release it owes (`owedReleases`) commit in one
 * transaction, under the order's row lock, so only one caller cancels and no cancel commits
 * without its debt. The product service's idempotent release then runs at once, and once it is
 * confirmed the debt is settled; if it fails (the product service down, this process dying) the
 * debt stays and the intent sweeper releases it until the product service confirms. Either way
 * the client gets the committed cancel. A repeated cancel answers the cancelled order and tries
 * the release once more (however often it is tried, stock moves once). Another user's order is,
 * to a customer, one that does not exist (404).
 */
export async function changeOrderStatus(
  { unitOfWork, stock, requester }: StatusChangeDependencies,
  orderId: string,
  to: OrderStatus,
  now = new Date(),
): Promise<Order> {
  assertMayMoveTo(requester, to);
  const changed = await unitOfWork(async ({ orders, owedReleases, addEvents }) => {
    const order = await orders.findById(orderId, { forUpdate: true });
    if (!order || !isVisibleTo(requester, order)) throw notFoundError('Order', orderId);
    if (order.status === to) return order; // asked again (a retry): done already, nothing changes
    if (!canMove(order.status, to)) throw invalidTransition(order, to);
    await orders.updateStatus(orderId, to, now);
    if (to === 'cancelled') await owedReleases.owe(orderId, now);
    const updated = { ...order, status: to, updated_at: now.toISOString() };
    await addEvents([{ type: 'order.status_changed', order: updated, from: order.status }]);
    return updated;
  });
  if (to === 'cancelled') await payOwedRelease(unitOfWork, stock, orderId);
  return changed;
}

/** Releases now and settles the debt; on any failure the debt stays for the sweeper (which logs its tries). */
async function payOwedRelease(
  unitOfWork: UnitOfWork,
  stock: Pick<StockReservations, 'release'>,
  orderId: string,
): Promise<void> {
  try {
    await stock.release(orderId);
    await unitOfWork(({ owedReleases }) => owedReleases.settle(orderId));
  } catch {
    // Still owed, durably: the cancel committed with its debt, and the sweeper pays it.
  }
}

function invalidTransition(order: Order, to: OrderStatus): AppError {
  const allowed = NEXT_STATUSES[order.status];
  return new AppError('invalid_transition', `An order that is ${order.status} cannot become ${to}`, {
    status: 409,
    details: [
      { field: 'status', message: `allowed next states: ${allowed.join(', ') || 'none'}`, allowed: [...allowed] },
    ],
  });
}
