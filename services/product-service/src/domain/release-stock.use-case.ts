import { concurrentChangeError } from '@ecom/service-kit/errors';
import type { UnitOfWork } from './ports';
import type { Reservation } from './reservation';

/**
 * Returns an order's reserved units exactly once. Releasing an order that never reserved leaves a
 * released marker, so a reservation for it arriving late (a retried or delayed call) is refused
 * and cannot hold stock for an order that was given up.
 */
export function releaseStock(unitOfWork: UnitOfWork, orderId: string, now = new Date()): Promise<Reservation> {
  return unitOfWork(async ({ products, reservations, addEvents }) => {
    const existing = await reservations.find(orderId, { forUpdate: true });
    if (!existing) {
      if (await reservations.claim(orderId, 'released', now)) {
        return { order_id: orderId, status: 'released', items: [], total_amount: '0.00' };
      }
      // A reservation for this id committed meanwhile: the unit of work runs this again, and then releases it.
      throw concurrentChangeError(`reservation of order ${orderId}`);
    }
    if (existing.status === 'released') return existing;
    await reservations.markReleased(orderId, now);
    for (const line of existing.items) await products.returnStock(line.product_id, line.quantity, now);
    await addEvents(existing.items.map((line) => ({ type: 'stock.released', orderId, line })));
    return { ...existing, status: 'released' };
  });
}
