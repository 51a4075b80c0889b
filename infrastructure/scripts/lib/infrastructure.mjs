// Starts MySQL and Kafka through the shell scripts in infrastructure/, and stops what it started.
import { ROOT, run, say } from './run.mjs';

const components = {
  mysql: `${ROOT}/infrastructure/mysql/mysql.sh`,
  kafka: `${ROOT}/infrastructure/kafka/kafka.sh`,
};

/**
 * Starts (or reuses) MySQL and Kafka in parallel, recording each one's outcome in `outcomes` as
 * soon as it is known (so a failure of one still lets the caller stop the other): "started" (we
 * started it, so we stop it), "running" (ours, started earlier) or "external".
 */
export async function startInfrastructure(outcomes) {
  await Promise.all(
    Object.entries(components).map(async ([name, script]) => {
      const stdout = await run('bash', [script, 'start'], { quiet: true });
      outcomes[name] = stdout.trim().split('\n').pop();
      say(`${name}: ${outcomes[name]}`);
    }),
  );
}

/** Stops the components this process started (never ones that were already running). */
export async function stopInfrastructure(outcomes) {
  const started = Object.entries(outcomes).filter(([, outcome]) => outcome === 'started');
  await Promise.allSettled(started.map(([name]) => run('bash', [components[name], 'stop'], { quiet: true })));
}

/** Creates the Kafka topics declared in libraries/service-kit/src/kafka/topics.ts. */
export async function ensureTopics(env) {
  await run('node', [`${ROOT}/libraries/service-kit/dist/cli/ensure-topics.js`], { env });
}
