// `npm start`: installs what is missing, brings up MySQL and Kafka, builds, migrates and seeds,
// then runs every service and the gateway in the foreground until Ctrl-C or SIGTERM, when it
// stops everything it started.
import { presentDeployables, systemEnvironment } from './lib/deployables.mjs';
import { ensureTopics, startInfrastructure, stopInfrastructure } from './lib/infrastructure.mjs';
import { ROOT, elapsedSince, run, say } from './lib/run.mjs';
import { Supervisor, waitUntilReady } from './lib/supervisor.mjs';
import { buildWorkspace, installDependencies } from './lib/toolchain.mjs';

const startedAt = performance.now();
const supervisor = new Supervisor();
const infrastructure = {};
let shuttingDown = false;

async function main() {
  process.once('SIGINT', () => shutDown('SIGINT', 0));
  process.once('SIGTERM', () => shutDown('SIGTERM', 0));
  stopWhenParentExits();
  await installDependencies();
  // The infrastructure comes up while TypeScript compiles.
  await Promise.all([startInfrastructure(infrastructure), buildWorkspace()]);
  const deployables = presentDeployables();
  const env = systemEnvironment(deployables, { NODE_ENV: 'production', ...process.env });
  await ensureTopics(env);
  await runSetupSteps(deployables, env);
  supervisor.onUnexpectedExit = (deployable, how) => {
    say(`${deployable.name} exited unexpectedly (${how}); stopping everything`);
    shutDown('crash', 1);
  };
  for (const deployable of deployables) {
    const child = supervisor.spawn(deployable, env);
    await waitUntilReady(`http://127.0.0.1:${env[deployable.portVariable]}/ready`, child);
    say(`${deployable.name} ready on http://localhost:${env[deployable.portVariable]}`);
  }
  printSummary(env);
}

/**
 * `npm start` does not pass a SIGTERM sent to npm on to this script (npm just exits), so a
 * supervisor that signals npm would leave everything running. Notice the parent going away instead.
 */
function stopWhenParentExits() {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutDown('parent process exited', 0);
  }, 500).unref();
}

async function runSetupSteps(deployables, env) {
  for (const deployable of deployables) {
    for (const step of deployable.setup) {
      await run(process.execPath, [step], { cwd: `${ROOT}/${deployable.dir}`, env, prefix: `[${deployable.name}]` });
    }
  }
}

function printSummary(env) {
  const gateway = `http://localhost:${env.GATEWAY_PORT ?? 8080}`;
  say(`up in ${elapsedSince(startedAt)}`);
  say(`gateway:  ${gateway}  (health: ${gateway}/health)`);
  say('press Ctrl-C to stop everything');
}

async function shutDown(reason, exitCode) {
  if (shuttingDown) return;
  shuttingDown = true;
  say(`stopping (${reason})`);
  await supervisor.stopAll();
  await stopInfrastructure(infrastructure);
  say('stopped');
  process.exit(exitCode);
}

main().catch((error) => {
  say(`start failed: ${error.message}`);
  shutDown('failure', 1);
});
