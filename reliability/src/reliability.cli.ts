/**
 * `npm run reliability`: every fault scenario, long (15 s under the fault, 20 req/s), against a
 * system on a MySQL server and a Kafka broker of its own (src/own-infrastructure.ts), so that they
 * can be stopped. Prints one line per scenario, writes them all as JSON, exits 1 when any
 * invariant breaks. RELIABILITY_SCENARIOS=kafka,mysql,... picks some.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  LONG_TIMING,
  invariantViolations,
  killOrderServiceMidPlacement,
  killProcess,
  freezeKafka,
  restartKafka,
  restartMysql,
  runScenario,
  slowProductService,
  summarise,
  type FaultScenario,
  type ScenarioResult,
} from './fault-scenarios';
import type { SystemPorts } from '@ecom/system-launcher';
import { startOwnInfrastructure } from './own-infrastructure';
import { startThrottlingProxy } from './throttling-proxy';
import { createProducts, startTestSystem } from './test-system';

async function main(): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ecom-reliability-'));
  console.log(`own MySQL (3407) and Kafka (9192) in ${dataDir}`);
  const infrastructure = await startOwnInfrastructure(dataDir);
  const proxy = await startThrottlingProxy();
  /** The order service and worker reach the product service through the proxy (faults: slow answers). */
  const throughProxy = (ports: SystemPorts) => {
    proxy.target = { host: '127.0.0.1', port: ports['product-service'] };
    return { PRODUCT_SERVICE_URLS: [`http://127.0.0.1:${proxy.port}`], PRODUCT_SERVICE_TIMEOUT_MS: 1_000 };
  };
  try {
    const system = await startTestSystem('reliability', {
      mysql: infrastructure.mysql,
      brokers: infrastructure.brokers,
      overrides: { 'order-service': throughProxy, 'order-worker': throughProxy },
    });
    try {
      const stocks = [1_000_000, 1_000_000, 1_000_000, 100];
      const productIds = await createProducts(
        system,
        stocks.map((stock) => ({ name: `Stock ${stock}`, price: '1.25', stock })),
      );
      const all: Record<string, FaultScenario> = {
        worker: killProcess('order-worker'),
        'order-service': killProcess('order-service'),
        'order-service-mid-placement': killOrderServiceMidPlacement(proxy),
        'product-service': killProcess('product-service'),
        gateway: killProcess('gateway'),
        slow: slowProductService(proxy, 3_000),
        kafka: restartKafka(infrastructure),
        'kafka-freeze': freezeKafka(dataDir),
        mysql: restartMysql(infrastructure),
      };
      const chosen = (process.env['RELIABILITY_SCENARIOS'] ?? Object.keys(all).join(',')).split(',');
      const results: (ScenarioResult & { violations: string[] })[] = [];
      for (const name of chosen) {
        const result = await runScenario(system, all[name]!, productIds, LONG_TIMING);
        const violations = invariantViolations(result);
        console.log(summarise(result));
        if (violations.length > 0) console.log(`  BROKEN: ${violations.join('; ')}`);
        results.push({ ...result, violations });
      }
      const file = path.join(system.dir, 'reliability-results.json');
      writeFileSync(file, JSON.stringify(results, null, 2));
      console.log(`results: ${file}; process logs: ${system.dir}/logs`);
      return results.some((result) => result.violations.length > 0) ? 1 : 0;
    } finally {
      await system.stop();
    }
  } finally {
    await proxy.close();
    await infrastructure.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
