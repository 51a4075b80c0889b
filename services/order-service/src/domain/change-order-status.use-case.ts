import { AppError, notFoundError } from '@ecom/service-kit';
import type { UnitOfWork } from '../data/unit-of-work';
import { orderStatusChanged } from '../messaging/order-events';
import { NEXT_STATUSES, canMove, type Order, type OrderStatus } from './order';
import type { StockReservations } from './place-orders.use-case';

/**
 * Moves an order along its lifecycle. Cancelling gives its stock back exactly once: the status
 * change commits first (so only one caller can cancel), then the product service's idempotent
 * release runs; were it to fail, a retried cancel of the already-cancelled order releases again.
 */
export async function changeOrderStatus(
  unitOfWork: UnitOfWork,
  stock: StockReservations,
  orderId: string,
  to: OrderStatus,
  now = new Date(),
): Promise<Order> {
  const changed = await unitOfWork(async ({ orders, addEvents }) => {
    const order = await orders.findById(orderId, { forUpdate: true });
    if (!order) throw notFoundError('Order', orderId);
    if (order.status === to && to === 'cancelled') return { order, from: order.status };
    if (!canMove(order.status, to)) throw invalidTransition(order, to);
    await orders.updateStatus(orderId, to, now);
    const updated = { ...order, status: to, updated_at: now.toISOString() };
    await addEvents([orderStatusChanged(updated, order.status)]);
    return { order: updated, from: order.status };
  });
  if (to === 'cancelled') await stock.release(orderId);
  return changed.order;
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
