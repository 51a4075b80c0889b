// `npm start`: installs what is missing and builds (here, in plain Node: this runs before
// `pnpm install`), then hands over to the built launcher (@ecom/system-launcher), which brings up
// MySQL and Kafka, creates the topics, migrates and seeds, runs every service and the gateway in
// the foreground until Ctrl-C, SIGTERM or the parent's exit, and stops everything it started.
import { say } from './lib/run.mjs';
import { buildWorkspace, installDependencies } from './lib/toolchain.mjs';

const startedAt = performance.now();

try {
  await installDependencies();
  await buildWorkspace();
} catch (error) {
  say(`start failed: ${error.message}`);
  process.exit(1);
}
const { runSystemInForeground } = await import('@ecom/system-launcher');
await runSystemInForeground({ startedAt });
