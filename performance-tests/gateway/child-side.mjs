/**
 * The child side of the benchmark's processes (the parent side and the message types are in
 * child-process.ts). Plain JavaScript, so the processes it serves run on Node alone.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** One sample every 200 µs (Node's default is 1 ms): a proxied request costs a few hundred µs. */
const SAMPLING_INTERVAL_MICROS = 200;

/**
 * Reports `url` to the parent, answers its questions (CPU time, start and stop the CPU profiler)
 * and, when asked to stop, runs `stop` and exits.
 *
 * @param {string} url
 * @param {() => Promise<void>} stop
 */
export function serveParent(url, stop) {
  const profiler = new Session();
  /** @param {import('./child-process').FromChild} message */
  const reply = (message) => process.send?.(message);
  process.on('message', (/** @type {import('./child-process').ToChild} */ message) => {
    if (message.cmd === 'cpu') reply({ cpu: process.cpuUsage() });
    if (message.cmd === 'stop') void stop().finally(() => process.exit(0));
    if (message.cmd === 'profile-start') {
      profiler.connect();
      profiler.post('Profiler.enable', () =>
        profiler.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_MICROS }, () =>
          profiler.post('Profiler.start', () => reply({ profiling: true })),
        ),
      );
    }
    if (message.cmd === 'profile-stop') {
      profiler.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(message.file, JSON.stringify(result.profile));
        profiler.disconnect();
        reply({ profiling: false });
      });
    }
  });
  reply({ ready: url });
}

/**
 * Serves the parent for an HTTP server listening on 127.0.0.1: once it listens, its URL; on stop,
 * its connections closed and the server with them.
 *
 * @param {import('node:http').Server} server
 */
export async function serveParentOver(server) {
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  serveParent(`http://127.0.0.1:${port}`, async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
}

/**
 * The child side, when starting failed.
 *
 * @param {unknown} error
 */
export function reportFailure(error) {
  process.send?.({ failed: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
