/**
 * The whole system as separate processes (product service, order service, worker, gateway), built
 * from this checkout and started by @ecom/system-launcher as a copy with names of its own: the
 * databases `<service>_db_test_<random>`, topics `test.<label>.<random>.*` and a consumer group of
 * its own, so it never touches `npm start`'s data nor a perf run's. MySQL and Kafka must be up
 * (npm test starts them); `dist/` must be current (npm test builds first). Auth is on, with a
 * signing key of the copy's own: requests through its gateway carry `adminHeaders`, or
 * `authHeaders(role, userId)` for a test about one customer (src/api-tokens.ts).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Role } from '@ecom/auth';
import { uniqueSuffix } from '@ecom/service-kit/testing';
import {
  REPOSITORY_ROOT,
  SYSTEM_PROCESSES,
  startSystem,
  type LaunchedSystem,
  type SystemOptions,
} from '@ecom/system-launcher';
import { OPERATOR_USER_ID, authHeaders, bearerHeaders, tokenFor, type AuthHeaders } from './api-tokens';

export const ROOT = REPOSITORY_ROOT;
export type TestSystem = LaunchedSystem & {
  readonly dir: string;
  /** The operator's admin token (undefined with auth off): orders for many users, catalogue writes. */
  readonly adminToken: string | undefined;
  /** `Authorization: Bearer <adminToken>`. */
  readonly adminHeaders: AuthHeaders;
  /** A token of `role` for `userId`, for tests about one caller. */
  authHeaders(role: Role, userId: number): Promise<AuthHeaders>;
};
export type TestSystemOptions = Pick<SystemOptions, 'mysql' | 'brokers' | 'overrides' | 'rateLimit'>;

/**
 * The order service's sweeper of abandoned sync placements, short here so that runs stay short:
 * an intent 3 s old is abandoned (the order service's defaults: 30 s, swept every 5 s).
 */
export const SWEEPER = { abandonedAfterMs: 3_000, intervalMs: 500 } as const;

/**
 * A copy of the system for one test file (or CLI run). Its `stop()` stops every process, then
 * drops the databases and topics (kept when RELIABILITY_KEEP=1).
 */
export async function startTestSystem(label: string, options: TestSystemOptions = {}): Promise<TestSystem> {
  const missing = SYSTEM_PROCESSES.filter((spec) => !existsSync(path.join(ROOT, spec.dir, spec.entry)));
  if (missing.length > 0)
    throw new Error(`not built: ${missing.map((spec) => spec.dir).join(', ')} (run tsc -b tsconfig.build.json first)`);
  const suffix = uniqueSuffix();
  const dir = mkdtempSync(path.join(tmpdir(), `ecom-${label}-`));
  const verbose = process.env['RELIABILITY_VERBOSE'] === '1';
  const system = await startSystem({
    copy: {
      productDb: `product_db_test_${suffix}`,
      orderDb: `order_db_test_${suffix}`,
      topicPrefix: `test.${label}.${suffix}`,
      workerGroup: `test-${label}-${suffix}`,
      dropOnStop: process.env['RELIABILITY_KEEP'] !== '1',
    },
    say: (line) => verbose && console.log(`[${label}] ${line}`),
    logDir: path.join(dir, 'logs'),
    // Load comes from one address; the per-client limit would measure the limiter, not the system.
    rateLimit: false,
    ...options,
    overrides: {
      ...options.overrides,
      'order-service': (ports) => ({
        ABANDONED_INTENT_AFTER_MS: SWEEPER.abandonedAfterMs,
        INTENT_SWEEP_INTERVAL_MS: SWEEPER.intervalMs,
        ...options.overrides?.['order-service']?.(ports),
      }),
    },
  });
  const adminToken = await tokenFor(system.signingKey, 'admin', OPERATOR_USER_ID);
  return Object.assign(system, {
    dir,
    adminToken,
    adminHeaders: bearerHeaders(adminToken),
    authHeaders: (role: Role, userId: number) => authHeaders(system.signingKey, role, userId),
  });
}

/** Creates products through the gateway as the operator, one after the other; resolves with their ids. */
export async function createProducts(system: TestSystem, products: readonly object[]): Promise<number[]> {
  const ids: number[] = [];
  for (const product of products) {
    const response = await fetch(`${system.gatewayUrl}/products`, {
      method: 'POST',
      headers: { ...system.adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(product),
    });
    if (response.status !== 201)
      throw new Error(`POST /products answered ${response.status}: ${await response.text()}`);
    ids.push(((await response.json()) as { id: number }).id);
  }
  return ids;
}
