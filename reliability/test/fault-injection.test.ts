/**
 * Fault injection with invariants (short scenarios; `npm run reliability` runs the long ones):
 * the four processes of the real system on free ports, real MySQL and Kafka, a steady mixed load
 * through the gateway, one fault at a time, healed, drained, then the invariants of
 * src/invariants.ts. Each scenario's figures are printed (and quoted in docs/reliability.md).
 */
import type { SystemPorts } from '@ecom/system-launcher';
import { checkInvariants } from '../src/invariants';
import {
  killOrderServiceMidPlacement,
  killProcess,
  runScenario,
  slowProductService,
  summarise,
  type ScenarioResult,
} from '../src/fault-scenarios';
import { startThrottlingProxy, type ThrottlingProxy } from '../src/throttling-proxy';
import { createProducts, startTestSystem, type TestSystem } from '../src/test-system';

describe('faults under a steady mixed load (real processes, MySQL and Kafka)', () => {
  let system: TestSystem;
  let proxy: ThrottlingProxy;
  let productIds: number[];

  beforeAll(async () => {
    proxy = await startThrottlingProxy();
    // The order service and worker reach the product service through the proxy.
    const throughProxy = (ports: SystemPorts) => {
      proxy.target = { host: '127.0.0.1', port: ports['product-service'] };
      return { PRODUCT_SERVICE_URLS: [`http://127.0.0.1:${proxy.port}`] };
    };
    system = await startTestSystem('faults', {
      overrides: { 'order-service': throughProxy, 'order-worker': throughProxy },
    });
    const stocks = [100_000, 100_000, 100_000, 40];
    productIds = await createProducts(
      system,
      stocks.map((stock) => ({ name: `Stock ${stock}`, price: '1.25', stock })),
    );
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await proxy?.close();
  }, 60_000);

  /** Every invariant of src/invariants.ts, including "no reservation held for no order" once the sweeper has had its time. */
  const expectInvariants = (result: ScenarioResult) => {
    console.log(summarise(result));
    expect(result.acknowledged).toBeGreaterThan(20);
    expect({
      refusedForAuth: result.refusedForAuth,
      lost: result.lost,
      duplicates: result.duplicates,
      failedButPlaced: result.failedButPlaced,
      notFinal: result.notFinal,
      stockImbalances: result.stockImbalances,
      negativeStock: result.negativeStock,
      reservationMismatches: result.reservationMismatches,
      orphanReservations: result.orphanReservations,
      leftoverIntents: result.leftoverIntents,
      unpublishedEvents: result.unpublishedEvents,
    }).toEqual({
      refusedForAuth: 0,
      lost: [],
      duplicates: [],
      failedButPlaced: [],
      notFinal: [],
      stockImbalances: [],
      negativeStock: 0,
      reservationMismatches: [],
      orphanReservations: [],
      leftoverIntents: 0,
      unpublishedEvents: { product: 0, order: 0 },
    });
    expect(result.recoveryMs.sync).not.toBeNull();
    expect(result.recoveryMs.async).not.toBeNull();
  };

  it('when an order was acknowledged but is not in the database, then the invariants report it lost (they can fail)', async () => {
    const report = await checkInvariants(
      system,
      [{ kind: 'async', userId: 987_654_321, startedAt: Date.now(), endedAt: Date.now(), status: 202 }],
      1_000,
    );

    expect(report.lost).toEqual([987_654_321]);
  });

  it('when an order was answered 503 but is in the database, then the invariants report it placed after a 5xx (they can fail)', async () => {
    const userId = 987_654_322;
    const placed = await fetch(`${system.gatewayUrl}/orders`, {
      method: 'POST',
      headers: { ...system.adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: userId, items: [{ product_id: productIds[0], quantity: 1 }] }),
    });
    expect(placed.status).toBe(201);

    const report = await checkInvariants(
      system,
      [{ kind: 'sync', userId, startedAt: Date.now(), endedAt: Date.now(), status: 503 }],
      1_000,
    );

    expect(report.failedButPlaced).toEqual([userId]);
  });

  it('when an order was answered 502 bad_gateway (the service died mid-request) and is in the database, then it counts as an unknown outcome, not a failure', async () => {
    const userId = 987_654_323;
    const placed = await fetch(`${system.gatewayUrl}/orders`, {
      method: 'POST',
      headers: { ...system.adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: userId, items: [{ product_id: productIds[0], quantity: 1 }] }),
    });
    expect(placed.status).toBe(201);
    const answered = { kind: 'sync', userId, startedAt: Date.now(), endedAt: Date.now(), status: 502 } as const;

    const unknown = await checkInvariants(system, [{ ...answered, code: 'bad_gateway' }], 1_000);
    const refused = await checkInvariants(system, [{ ...answered, code: 'upstream_unavailable' }], 1_000);

    expect(unknown.failedButPlaced).toEqual([]);
    expect(unknown.unknownThenPlaced).toEqual([userId]);
    expect(refused.failedButPlaced).toEqual([userId]);
  });

  it.each(['order-worker', 'order-service', 'product-service', 'gateway'] as const)(
    'when the %s is killed with SIGKILL under load and restarted, then no acknowledged order is lost or doubled and stock is conserved',
    async (name) => {
      expectInvariants(await runScenario(system, killProcess(name), productIds));
    },
    180_000,
  );

  it('when the order service is killed between sync reservations and their order writes, then its sweeper releases the stock they held once restarted', async () => {
    const result = await runScenario(system, killOrderServiceMidPlacement(proxy), productIds);

    expectInvariants(result);
    expect(result.sweeperReleased.held).toBeGreaterThan(0); // the window was hit: reservations were orphaned
  }, 180_000);

  it('when the product service is slower than the order service timeout (3 s), then orders are refused fast while it lasts and nothing is lost', async () => {
    const result = await runScenario(system, slowProductService(proxy, 5_000), productIds);

    expectInvariants(result);
    expect(result.duringFault.acknowledged).toBeLessThan(result.duringFault.sent);
  }, 180_000);
});
