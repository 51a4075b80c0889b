/**
 * The system the hostile requests are sent to, one per test file: the real gateway and services
 * as processes on real MySQL and Kafka, with one product in stock to order, and a snapshot of what
 * is stored (row counts and stock) to compare before and after a request.
 */
import type { Role, SigningKey } from '@ecom/auth';
import { createDatabase } from '@ecom/service-kit/db';
import type { AuthHeaders } from '../../src/api-tokens';
import { createProducts, startTestSystem, type TestSystem } from '../../src/test-system';

type Knex = ReturnType<typeof createDatabase>;

export interface Snapshot {
  readonly products: number;
  readonly stock: number;
  readonly orders: number;
}

export interface HostileSystem {
  readonly gatewayUrl: string;
  /** The product created before the tests (stock 50). */
  readonly productId: number;
  /** The key the gateway verifies tokens with (the launcher's, for this copy). */
  readonly signingKey: SigningKey | undefined;
  readonly adminHeaders: AuthHeaders;
  authHeaders(role: Role, userId: number): Promise<AuthHeaders>;
  snapshot(): Promise<Snapshot>;
}

/** Starts the system before the file's tests and stops it after them (within the calling describe). */
export function useHostileSystem(): HostileSystem {
  let system: TestSystem;
  let productDb: Knex;
  let orderDb: Knex;
  let productId: number;

  beforeAll(async () => {
    system = await startTestSystem('hostile');
    productDb = createDatabase({ ...system.databases.product, poolMax: 2 });
    orderDb = createDatabase({ ...system.databases.order, poolMax: 2 });
    [productId] = (await createProducts(system, [{ name: 'Target', price: '2.00', stock: 50 }])) as [number];
    expect(productId).toBe(1);
  }, 120_000);

  afterAll(async () => {
    await productDb?.destroy();
    await orderDb?.destroy();
    await system?.stop();
  }, 60_000);

  return {
    get gatewayUrl() {
      return system.gatewayUrl;
    },
    get productId() {
      return productId;
    },
    get signingKey() {
      return system.signingKey;
    },
    get adminHeaders() {
      return system.adminHeaders;
    },
    authHeaders: (role, userId) => system.authHeaders(role, userId),
    snapshot: async () => ({
      products: await count(productDb, 'products'),
      stock: Number((await productDb('products').sum({ total: 'stock' }).first())?.['total'] ?? 0),
      orders: await count(orderDb, 'orders'),
    }),
  };
}

async function count(db: Knex, table: string): Promise<number> {
  return Number((await db(table).count({ n: '*' }).first())?.['n'] ?? 0);
}
