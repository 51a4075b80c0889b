// `npm run stop`: stops, by pid file, whatever an earlier `npm start` or `npm test` left running
// (after a kill -9 of the orchestrator, say). Never matches processes by name.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { DEPLOYABLES } from './lib/deployables.mjs';
import { ROOT, run, say } from './lib/run.mjs';

const runDir = `${process.env.ECOM_DATA_DIR ?? `${ROOT}/.data`}/run`;

for (const deployable of [...DEPLOYABLES].reverse()) {
  const pidFile = `${runDir}/${deployable.name}.pid`;
  if (!existsSync(pidFile)) continue;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
    say(`sent SIGTERM to ${deployable.name} (pid ${pid})`);
  } catch {
    say(`${deployable.name} (pid ${pid}) was not running`);
  }
  rmSync(pidFile, { force: true });
}
await run('bash', [`${ROOT}/infrastructure/kafka/kafka.sh`, 'stop']);
await run('bash', [`${ROOT}/infrastructure/mysql/mysql.sh`, 'stop']);
