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

  function placementWith(failure: AppError, options: { releaseFails?: boolean } = {}) {
    const released: string[] = [];
    const intents = { recorded: [] as string[], forgotten: [] as string[] };
    const stock: StockReservations = {
      reserve: () => Promise.reject(failure),
      release: async (orderId) => {
        if (options.releaseFails) throw new Error('product service unreachable');
        released.push(orderId);
      },
      mayHaveReserved: (error) => (error.cause as Error | undefined)?.name === 'TimeoutError',
    };
    const orders = { findExistingIds: async () => new Set<string>() } as unknown as OrderRepository;
    const unitOfWork = (() => Promise.reject(new Error('nothing to store'))) as unknown as UnitOfWork;
    const deps = {
      stock,
      orders,
      unitOfWork,
      intents: {
        record: async (orderIds: readonly string[]) => void intents.recorded.push(...orderIds),
        forget: async (orderId: string) => void intents.forgotten.push(orderId),
      },
    };
    return { deps, released, intents };
  }

  it('when the outcome is unknown (timeout), then the sync order is retried later, its reservation released and its intent removed', async () => {
    const { deps, released, intents } = placementWith(unavailableError('product-service', timeout()));

    const [result] = await placeOrders(deps, [request('sync')]);

    expect(result!.kind).toBe('retry');
    expect(released).toEqual([request('sync').order_id]);
    expect(intents).toEqual({ recorded: [request('sync').order_id], forgotten: [request('sync').order_id] });
  });

  it('when the outcome is unknown and the release fails too, then the intent stays for the sweeper', async () => {
    const { deps, intents } = placementWith(unavailableError('product-service', timeout()), { releaseFails: true });
    const failedReleases: string[] = [];

    const [result] = await placeOrders({ ...deps, onCompensationFailed: (id) => failedReleases.push(id) }, [
      request('sync'),
    ]);

    expect(result!.kind).toBe('retry');
    expect(failedReleases).toEqual([request('sync').order_id]);
    expect(intents).toEqual({ recorded: [request('sync').order_id], forgotten: [] });
  }, 10_000);

  it('when an async order times out, then nothing is released and no intent is involved: its redelivery reuses the reservation', async () => {
    const { deps, released, intents } = placementWith(unavailableError('product-service', timeout()));

    const [result] = await placeOrders(deps, [request('async')]);

    expect(result!.kind).toBe('retry');
    expect(released).toEqual([]);
    expect(intents).toEqual({ recorded: [], forgotten: [] });
  });

  it('when the circuit was open (the call never left), then nothing is released and the intent is removed at once', async () => {
    const { deps, released, intents } = placementWith(
      unavailableError('product-service', new Error('Breaker is open')),
    );

    const [result] = await placeOrders(deps, [request('sync')]);

    expect(result!.kind).toBe('retry');
    expect(released).toEqual([]);
    expect(intents.forgotten).toEqual([request('sync').order_id]);
  });

  it('when the product service refuses (insufficient stock), then nothing was reserved, nothing is released and the intent is removed', async () => {
    const { deps, released, intents } = placementWith(new AppError('insufficient_stock', 'short', { status: 409 }));

    const [result] = await placeOrders(deps, [request('sync')]);

    expect(result!.kind).toBe('refused');
    expect(released).toEqual([]);
    expect(intents.forgotten).toEqual([request('sync').order_id]);
  });
});
