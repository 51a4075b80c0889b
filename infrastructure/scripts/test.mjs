// `npm test`: installs what is missing, builds, brings up MySQL and Kafka the same way `npm start`
// does (tests use databases and topics of their own, so a running `npm start` is not disturbed),
// type-checks, lints and runs every test. Exits non-zero when anything fails; stops only the
// infrastructure it started.
import { ROOT, elapsedSince, run, say } from './lib/run.mjs';
import { buildWorkspace, installDependencies, installK6, installPythonTools } from './lib/toolchain.mjs';

const startedAt = performance.now();
const jestArgs = process.argv.slice(2);
let infrastructure;

/** The infrastructure comes from the built launcher, so it starts once the build is done. */
async function buildAndStartInfrastructure() {
  await buildWorkspace();
  const { createInfrastructure, ensureSystemTopics } = await import('@ecom/system-launcher');
  infrastructure = createInfrastructure({ showProgress: true, say });
  await infrastructure.start();
  const created = await ensureSystemTopics(infrastructure.brokers);
  if (created.length > 0) say(`created topics: ${created.join(', ')}`);
}

async function main() {
  await installDependencies();
  await Promise.all([buildAndStartInfrastructure(), installPythonTools(), installK6()]);
  say('type-checking the tests');
  await run(`${ROOT}/node_modules/.bin/tsc`, ['-p', 'tsconfig.test.json'], { prefix: '[tsc]' });
  say('linting');
  await run(`${ROOT}/node_modules/.bin/eslint`, ['.', '--max-warnings', '0'], { prefix: '[eslint]' });
  await run(`${ROOT}/node_modules/.bin/prettier`, ['--check', '--log-level', 'warn', '.'], { prefix: '[prettier]' });
  say('checking for import cycles (dpdm)');
  await run('npm', ['run', '--silent', 'check:cycles'], { prefix: '[dpdm]' });
  say('running tests (jest)');
  // --coverage: jest.config.js holds the floor (coverageThreshold), so the suite fails below it.
  await run(`${ROOT}/node_modules/.bin/jest`, ['--coverage', ...jestArgs], {
    env: { ...process.env, NODE_ENV: 'test' },
  });
}

let exitCode = 0;
try {
  process.once('SIGINT', () => say('interrupted; stopping what was started'));
  await main();
  say(`all tests passed in ${elapsedSince(startedAt)}`);
} catch (error) {
  say(`tests failed: ${error.message}`);
  exitCode = 1;
} finally {
  await infrastructure?.stop();
}
process.exit(exitCode);
