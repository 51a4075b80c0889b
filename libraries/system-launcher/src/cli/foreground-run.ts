/**
 * `npm start` once dependencies are installed and the workspace built (infrastructure/scripts/
 * start.mjs): MySQL and Kafka, the topics, migrations and the demo catalogue, then every process
 * in the foreground, its output prefixed, until Ctrl-C, SIGTERM, the parent's exit or a crash;
 * then it stops everything it started (never MySQL or Kafka it found running).
 */
import { devSecretPath } from '../auth/local-signing-key';
import { createInfrastructure } from '../infrastructure/infrastructure-control';
import { runDirectory } from '../repository-root';
import { startSystem } from '../system/system-launch';
import type { LaunchedSystem } from '../system/system-handle';
import { elapsedSince, say } from './console-say';

export async function runSystemInForeground({ startedAt }: { startedAt: number }): Promise<void> {
  const infrastructure = createInfrastructure({ showProgress: true, say });
  const aborting = new AbortController();
  let starting: Promise<LaunchedSystem> | undefined;
  let shuttingDown = false;
  const shutDown = async (reason: string, exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say(`stopping (${reason})`);
    aborting.abort();
    const system = await starting?.catch(() => undefined); // an aborted start stops its own processes
    await system?.stop();
    await infrastructure.stop();
    say('stopped');
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void shutDown('SIGINT', 0));
  process.once('SIGTERM', () => void shutDown('SIGTERM', 0));
  stopWhenParentExits(() => void shutDown('parent process exited', 0));
  try {
    await infrastructure.start();
    starting = startSystem({
      say,
      pidDir: runDirectory(),
      signal: aborting.signal,
      onUnexpectedExit: (name, { code, signal }) => {
        say(`${name} exited unexpectedly (${signal ?? `exit ${code}`}); stopping everything`);
        void shutDown('crash', 1);
      },
    });
    printSummary(await starting, startedAt);
  } catch (error) {
    if (shuttingDown) return;
    say(`start failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutDown('failure', 1);
  }
}

/**
 * `npm start` does not pass a SIGTERM sent to npm on to this process (npm just exits), so a
 * supervisor that signals npm would leave everything running. Notice the parent going away instead.
 */
function stopWhenParentExits(stop: () => void): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
}

function printSummary(system: LaunchedSystem, startedAt: number): void {
  const gateway = `http://localhost:${system.ports.gateway}`;
  say(`up in ${elapsedSince(startedAt)}`);
  say(`gateway:  ${gateway}  (health: ${gateway}/health)`);
  for (const line of describeAuth(system)) say(line);
  say('press Ctrl-C to stop everything');
}

/** How to call the API: where the key is and how to get a token, or that anyone may. */
export function describeAuth(system: Pick<LaunchedSystem, 'authMode' | 'ports'>, env = process.env): string[] {
  if (system.authMode === 'off')
    return ['auth:     OFF (AUTH_ENABLED=false): anyone may call every route; never expose this system'];
  if (system.authMode === 'environment')
    return ['auth:     bearer tokens verified with AUTH_RS256_PUBLIC_KEY / AUTH_JWKS_URL (signed by your issuer)'];
  const source = env['AUTH_HS256_SECRET'] ? 'AUTH_HS256_SECRET' : devSecretPath(env);
  return [
    `auth:     bearer tokens, HS256 secret from ${source}; catalogue reads are public`,
    `          token:  TOKEN=$(npm run -s token -- --role admin)   (or --user 42: a customer)`,
    `          then:   curl -H "Authorization: Bearer $TOKEN" http://localhost:${system.ports.gateway}/orders`,
  ];
}
