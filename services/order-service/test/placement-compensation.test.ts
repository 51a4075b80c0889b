import { AppError, unavailableError } from '@ecom/service-kit';
import type { OrderRepository } from '../src/data/order.repository';
import type { UnitOfWork } from '../src/data/unit-of-work';
import type { OrderRequest } from '../src/domain/order';
import { placeOrders, type StockReservations } from '../src/domain/place-orders.use-case';

/**
 * Found by reliability/ (Kafka restarted under load): a sync reservation that timed out at the
 * order service had committed at the product service, and its units stayed reserved for an order
 * that was never stored. Placement itself is driven here with the product service's answers faked.
 */
describe('placing a sync order when the reservation call fails', () => {
  const request = (mode: OrderRequest['mode']): OrderRequest => ({
    order_id: `0190a3b2-0000-7000-8000-00000000000${mode === 'sync' ? 1 : 2}`,
    user_id: 1,
    items: [{ product_id: 1, quantity: 1 }],
    mode,
    accepted_at: new Date(),
  });

  const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

  function placementWith(failure: AppError) {
    const released: string[] = [];
    const stock: StockReservations = {
      reserve: () => Promise.reject(failure),
      release: async (orderId) => released.push(orderId),
      mayHaveReserved: (error) => (error.cause as Error | undefined)?.name === 'TimeoutError',
    };
    const orders = { findExistingIds: async () => new Set<string>() } as unknown as OrderRepository;
    const unitOfWork = (() => Promise.reject(new Error('nothing to store'))) as unknown as UnitOfWork;
    return { deps: { stock, orders, unitOfWork }, released };
  }

  it('when the outcome is unknown (timeout), then the sync order is retried later and its reservation released', async () => {
    const { deps, released } = placementWith(unavailableError('product-service', timeout()));

    const [result] = await placeOrders(deps, [request('sync')]);

    expect(result!.kind).toBe('retry');
    expect(released).toEqual([request('sync').order_id]);
  });

  it('when an async order times out, then nothing is released: its redelivery reuses the reservation', async () => {
    const { deps, released } = placementWith(unavailableError('product-service', timeout()));

    const [result] = await placeOrders(deps, [request('async')]);

    expect(result!.kind).toBe('retry');
    expect(released).toEqual([]);
  });

  it('when the circuit was open (the call never left), then nothing is released', async () => {
    const { deps, released } = placementWith(unavailableError('product-service', new Error('Breaker is open')));

    const [result] = await placeOrders(deps, [request('sync')]);

    expect(result!.kind).toBe('retry');
    expect(released).toEqual([]);
  });

  it('when the product service refuses (insufficient stock), then nothing was reserved and nothing is released', async () => {
    const { deps, released } = placementWith(new AppError('insufficient_stock', 'short', { status: 409 }));

    const [result] = await placeOrders(deps, [request('sync')]);

    expect(result!.kind).toBe('refused');
    expect(released).toEqual([]);
  });
});
