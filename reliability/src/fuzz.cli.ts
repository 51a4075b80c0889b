/**
 * `npm run fuzz`: the long schemathesis run (every phase, stateful included) against a system of
 * its own. FUZZ_MAX_EXAMPLES (default 200) and FUZZ_SEED (default: a new one, printed) vary it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FUZZ_PRODUCTS, runSchemathesis } from './schemathesis';
import { createProducts, startTestSystem } from './test-system';

async function main(): Promise<number> {
  const seed = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
  const maxExamples = Number(process.env['FUZZ_MAX_EXAMPLES'] ?? 200);
  const system = await startTestSystem('fuzz');
  try {
    await createProducts(system, FUZZ_PRODUCTS);
    const reportDir = mkdtempSync(path.join(tmpdir(), 'schemathesis-'));
    const phases = process.env['FUZZ_PHASES'] ?? 'examples,coverage,fuzzing,stateful';
    const result = await runSchemathesis({
      gatewayUrl: system.gatewayUrl,
      seed,
      maxExamples,
      reportDir,
      phases,
      bearerToken: system.adminToken,
      echo: true,
    });
    console.log(
      `\nfuzz: seed ${seed}, ${result.casesGenerated} cases, ${result.failures} failures, logs in ${system.dir}, report in ${reportDir}`,
    );
    return result.exitCode;
  } finally {
    await system.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
