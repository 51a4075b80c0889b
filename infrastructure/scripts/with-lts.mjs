// `npm run with-lts -- <command> [args…]`: runs the command with the LTS Node of the container
// images first on PATH (fetched from the npm registry once, kept in .data/node-lts/), e.g.
//   npm run with-lts -- npm test
//   npm run with-lts -- npx jest --selectProjects service-kit
// Exits with the command's exit code. LTS_NODE_VERSION picks another release; LTS_NODE_CACHE
// another cache directory.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { ROOT, say } from './lib/run.mjs';
import { ensureLtsNode, pathWithFirst } from './lib/lts-node.mjs';

const USAGE = 'usage: npm run with-lts -- <command> [args…]   (e.g. npm run with-lts -- npm test)';

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift();
  if (args.length === 0) {
    say(USAGE);
    return 2;
  }
  const lts = await ensureLtsNode({
    root: ROOT,
    cacheDir: process.env.LTS_NODE_CACHE || path.join(ROOT, '.data', 'node-lts'),
    wanted: process.env.LTS_NODE_VERSION || undefined,
    say,
  });
  say(`running on Node ${lts.version} (${lts.node}): ${args.join(' ')}`);
  const child = spawn(args[0], args.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, PATH: pathWithFirst(lts.binDir, process.env.PATH), NODE: lts.node },
  });
  // Ctrl-C reaches the child through the terminal; this process only waits for it.
  process.on('SIGINT', () => {});
  return new Promise((resolve) => {
    child.on('error', (error) => {
      say(`${args[0]}: ${error.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    say(`with-lts failed: ${error.message}`);
    process.exit(1);
  },
);
