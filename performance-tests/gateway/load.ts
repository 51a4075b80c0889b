import { spawn } from 'node:child_process';
import path from 'node:path';

export interface LoadSettings {
  readonly connections: number;
  readonly seconds: number;
  /** Sent with every request (e.g. the bearer token of a protected route). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly total: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Errors, timeouts and non-2xx answers: any of them makes the run suspect. */
  readonly failures: number;
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

const AUTOCANNON = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

/**
 * Runs autocannon (in a process of its own) against `url` and returns its summary. Latencies are
 * autocannon's (ms, measured from the client, so they include the client's own queueing).
 */
export function runLoad(url: string, { connections, seconds, headers = {} }: LoadSettings): Promise<LoadResult> {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const args = [AUTOCANNON, '--json', '-c', String(connections), '-d', String(seconds), ...headerArgs, url];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      const result = JSON.parse(output) as AutocannonJson;
      resolve({
        requestsPerSecond: result.requests.average,
        total: result.requests.total,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        meanMs: result.latency.mean,
        failures: result.errors + result.timeouts + result.non2xx,
      });
    });
  });
}
