/**
 * The whole system as separate processes (product service, order service, worker, gateway), built
 * from this checkout, started by the perf runner's `startLocalSystem` with names of its own: the
 * databases `<service>_db_test_<random>`, topics `test.<label>.<random>.*` and a consumer group of
 * its own, so it never touches `npm start`'s data nor a perf run's. MySQL and Kafka must be up
 * (npm test starts them); `dist/` must be current (npm test builds first).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase, createKafka } from '@ecom/service-kit';
import { testLogger, uniqueSuffix } from '@ecom/service-kit/testing';
import {
  ROOT,
  startLocalSystem,
  type LocalSystem,
  type LocalSystemOptions,
} from '../../performance-tests/runner/local-system';

export { ROOT };
export type TestSystem = LocalSystem & { readonly dir: string };

/**
 * The order service's sweeper of abandoned sync placements, short here so that runs stay short:
 * an intent 3 s old is abandoned (the order service's defaults: 30 s, swept every 5 s).
 */
export const SWEEPER = { abandonedAfterMs: 3_000, intervalMs: 500 } as const;
const sweeperEnv = {
  ABANDONED_INTENT_AFTER_MS: String(SWEEPER.abandonedAfterMs),
  INTENT_SWEEP_INTERVAL_MS: String(SWEEPER.intervalMs),
};

export async function startTestSystem(
  label: string,
  options: Partial<Omit<LocalSystemOptions, 'dir' | 'say' | 'names'>> = {},
): Promise<TestSystem> {
  const missing = ['services/product-service', 'services/order-service', 'gateway'].filter(
    (dir) => !existsSync(path.join(ROOT, dir, 'dist/main.js')),
  );
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} (run tsc -b tsconfig.build.json first)`);
  const suffix = uniqueSuffix();
  const dir = mkdtempSync(path.join(tmpdir(), `ecom-${label}-`));
  const verbose = process.env['RELIABILITY_VERBOSE'] === '1';
  const system = await startLocalSystem({
    dir,
    say: (line) => verbose && console.log(`[${label}] ${line}`),
    names: {
      productDb: `product_db_test_${suffix}`,
      orderDb: `order_db_test_${suffix}`,
      topicPrefix: `test.${label}.${suffix}`,
      workerGroup: `test-${label}-${suffix}`,
    },
    build: false,
    startInfrastructure: false,
    ceilings: false,
    ...options,
    envFor: (name, ports) => ({ ...(name === 'order-service' && sweeperEnv), ...options.envFor?.(name, ports) }),
  });
  const stopProcesses = system.stop.bind(system);
  return Object.assign(system, {
    dir,
    /** Stops every process, then drops the databases and topics (kept when RELIABILITY_KEEP=1). */
    stop: async () => {
      await stopProcesses();
      if (process.env['RELIABILITY_KEEP'] !== '1') await dropData(system);
    },
  });
}

async function dropData(system: LocalSystem): Promise<void> {
  for (const settings of Object.values(system.databases)) {
    const db = createDatabase({ ...settings, database: '', poolMax: 1 });
    await db.raw('DROP DATABASE IF EXISTS ??', [settings.database]).finally(() => db.destroy());
  }
  const admin = createKafka({ clientId: 'reliability', brokers: [...system.brokers], logger: testLogger() }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ours = Object.values(system.topics).filter((topic) => existing.has(topic));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}
