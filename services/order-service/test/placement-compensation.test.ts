import { AppError, unavailableError } from '@ecom/service-kit/errors';
import type { OrderRequest } from '../src/domain/order';
import { placeAsyncOrders } from '../src/domain/place-async-orders.use-case';
import { placeSyncOrder } from '../src/domain/place-sync-order.use-case';
import type { BatchStockReservations, UnitOfWork } from '../src/domain/ports';

/**
 * Found by reliability/ (Kafka restarted under load): a sync reservation that timed out at the
 * order service had committed at the product service, and its units stayed reserved for an order
 * that was never stored. Placement itself is driven here with the product service's answers faked
 * (the use cases against real MySQL and the real product service are in placement-intents.test.ts).
 */
describe('placing an order when the reservation call fails', () => {
  const body = { user_id: 1, items: [{ product_id: 1, quantity: 1 }] };
  const asyncRequest: OrderRequest = {
    ...body,
    order_id: '0190a3b2-0000-7000-8000-000000000002',
    accepted_at: new Date(),
  };

  const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

  function placementWith(failure: AppError, options: { releaseFails?: boolean } = {}) {
    const released: string[] = [];
    const intents = { recorded: [] as string[], forgotten: [] as string[] };
    const stock: BatchStockReservations = {
      reserve: () => Promise.reject(failure),
      reserveMany: async (orders) => orders.map(({ order_id }) => ({ order_id, error: failure })),
      release: async (orderId) => {
        if (options.releaseFails) throw new Error('product service unreachable');
        released.push(orderId);
        return { items: [] };
      },
      mayHaveReserved: (error) => (error.cause as Error | undefined)?.name === 'TimeoutError',
    };
    const unitOfWork: UnitOfWork = async (work) =>
      work({
        orders: { findById: async () => undefined, updateStatus: async () => {} },
        writePlacement: async () => 0,
        owedReleases: { owe: async () => undefined, settle: async () => undefined },
        addEvents: async () => undefined,
      });
    const deps = {
      stock,
      unitOfWork,
      orders: { findExistingIds: async () => new Set<string>() },
      intents: {
        record: async (orderIds: readonly string[]) => void intents.recorded.push(...orderIds),
        forget: async (orderId: string) => Boolean(intents.forgotten.push(orderId)),
        findDue: async () => [],
        claim: async () => false,
      },
    };
    return { deps, released, intents };
  }

  it('when the outcome is unknown (timeout), then the sync order gets 503, its reservation is released and its intent removed', async () => {
    const { deps, released, intents } = placementWith(unavailableError('product-service', timeout()));

    await expect(placeSyncOrder(deps, body)).rejects.toMatchObject({ status: 503, retriable: true });

    const [orderId] = intents.recorded;
    expect(released).toEqual([orderId]);
    expect(intents).toEqual({ recorded: [orderId], forgotten: [orderId] });
  });

  it('when the outcome is unknown and the release fails too, then the intent stays for the sweeper', async () => {
    const { deps, intents } = placementWith(unavailableError('product-service', timeout()), { releaseFails: true });
    const failedReleases: string[] = [];

    const placing = placeSyncOrder({ ...deps, onCompensationFailed: (id) => failedReleases.push(id) }, body);

    await expect(placing).rejects.toMatchObject({ status: 503, retriable: true });
    expect(failedReleases).toEqual(intents.recorded);
    expect(intents.forgotten).toEqual([]);
  }, 10_000);

  it('when an async order times out, then nothing is released and no intent is involved: its redelivery reuses the reservation', async () => {
    const { deps, released, intents } = placementWith(unavailableError('product-service', timeout()));

    const [placement] = await placeAsyncOrders(deps, [asyncRequest]);

    expect(placement).toMatchObject({ request: asyncRequest, outcome: 'retry' });
    expect(released).toEqual([]);
    expect(intents).toEqual({ recorded: [], forgotten: [] });
  });

  it('when the circuit was open (the call never left), then nothing is released and the intent is removed at once', async () => {
    const { deps, released, intents } = placementWith(
      unavailableError('product-service', new Error('Breaker is open')),
    );

    await expect(placeSyncOrder(deps, body)).rejects.toMatchObject({ status: 503 });

    expect(released).toEqual([]);
    expect(intents.forgotten).toEqual(intents.recorded);
  });

  it('when the product service refuses (insufficient stock), then the refusal is thrown, nothing is released and the intent is removed', async () => {
    const { deps, released, intents } = placementWith(new AppError('insufficient_stock', 'short', { status: 409 }));

    await expect(placeSyncOrder(deps, body)).rejects.toMatchObject({ code: 'insufficient_stock', status: 409 });

    expect(released).toEqual([]);
    expect(intents.forgotten).toEqual(intents.recorded);
  });
});
