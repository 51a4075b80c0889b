// `npm test`: installs what is missing, brings up MySQL and Kafka the same way `npm start` does
// (tests use databases and topics of their own, so a running `npm start` is not disturbed),
// type-checks, lints and runs every test. Exits non-zero when anything fails.
import { ensureTopics, startInfrastructure, stopInfrastructure } from './lib/infrastructure.mjs';
import { ROOT, elapsedSince, run, say } from './lib/run.mjs';
import { buildWorkspace, installDependencies, installK6, installPythonTools } from './lib/toolchain.mjs';

const startedAt = performance.now();
const infrastructure = {};
const jestArgs = process.argv.slice(2);

async function main() {
  await installDependencies();
  await Promise.all([startInfrastructure(infrastructure), buildWorkspace(), installPythonTools(), installK6()]);
  await ensureTopics(process.env);
  say('type-checking the tests');
  await run(`${ROOT}/node_modules/.bin/tsc`, ['-p', 'tsconfig.test.json'], { prefix: '[tsc]' });
  say('linting');
  await run(`${ROOT}/node_modules/.bin/eslint`, ['.', '--max-warnings', '0'], { prefix: '[eslint]' });
  await run(`${ROOT}/node_modules/.bin/prettier`, ['--check', '--log-level', 'warn', '.'], { prefix: '[prettier]' });
  say('running tests (jest)');
  await run(`${ROOT}/node_modules/.bin/jest`, jestArgs, { env: { ...process.env, NODE_ENV: 'test' } });
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
  await stopInfrastructure(infrastructure);
}
process.exit(exitCode);
