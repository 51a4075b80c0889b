/**
 * `npm run stop`: stops, by pid file, whatever an earlier `npm start` or `npm test` left running
 * (after a kill -9 of it, say), then MySQL and Kafka through their scripts. Never by process name.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { stopWithScript } from '../infrastructure/infrastructure-scripts';
import { SYSTEM_PROCESSES } from '../processes/process-catalog';
import { runDirectory } from '../repository-root';
import { say } from './console-say';

export async function stopLeftovers(): Promise<void> {
  for (const { name } of [...SYSTEM_PROCESSES].reverse()) {
    const pidFile = path.join(runDirectory(), `${name}.pid`);
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8'));
    try {
      process.kill(pid, 'SIGTERM');
      say(`sent SIGTERM to ${name} (pid ${pid})`);
    } catch {
      say(`${name} (pid ${pid}) was not running`);
    }
    rmSync(pidFile, { force: true });
  }
  // Stopping needs no accounts: the caller's environment as it is (it names the data dir).
  await stopWithScript('kafka', process.env, true);
  await stopWithScript('mysql', process.env, true);
}
