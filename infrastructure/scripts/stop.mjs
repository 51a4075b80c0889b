// `npm run stop`: stops, by pid file, whatever an earlier `npm start` or `npm test` left running
// (after a kill -9 of it, say), then MySQL and Kafka. Never matches processes by name.
import { ROOT, run, say } from './lib/run.mjs';

let launcher;
try {
  launcher = await import('@ecom/system-launcher');
} catch {
  // Not built (or not installed): no service can have been started from this checkout, but MySQL
  // and Kafka may run; their own scripts stop them (each stops only a server it started).
  say('the workspace is not built: stopping MySQL and Kafka through their scripts');
  await run('bash', [`${ROOT}/infrastructure/kafka/kafka.sh`, 'stop']).catch(() => undefined);
  await run('bash', [`${ROOT}/infrastructure/mysql/mysql.sh`, 'stop']).catch(() => undefined);
  process.exit(0);
}
await launcher.stopLeftovers();
