import { AppError, notFoundError } from '@ecom/service-kit/errors';
import { NEXT_STATUSES, canMove, type Order, type OrderStatus } from './order';
import type { StockReservations, UnitOfWork } from './ports';

/**
 * Moves an order along its lifecycle. Cancelling gives its stock back exactly once: the status
 * change commits first (so only one caller can cancel), then the product service's idempotent
 * release runs; were it to fail, a retried cancel of the already-cancelled order releases again.
 */
export async function changeOrderStatus(
  unitOfWork: UnitOfWork,
  stock: Pick<StockReservations, 'release'>,
  orderId: string,
  to: OrderStatus,
  now = new Date(),
): Promise<Order> {
  const changed = await unitOfWork(async ({ orders, addEvents }) => {
    const order = await orders.findById(orderId, { forUpdate: true });
    if (!order) throw notFoundError('Order', orderId);
    if (order.status === to && to === 'cancelled') return order;
    if (!canMove(order.status, to)) throw invalidTransition(order, to);
    await orders.updateStatus(orderId, to, now);
    const updated = { ...order, status: to, updated_at: now.toISOString() };
    await addEvents([{ type: 'order.status_changed', order: updated, from: order.status }]);
    return updated;
  });
  if (to === 'cancelled') await stock.release(orderId);
  return changed;
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
