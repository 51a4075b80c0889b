/**
 * The gateway's own CPU per request above bare http-proxy-middleware, from `npm run perf:gateway`
 * (performance-tests/gateway/) run as a child process with RESULTS_DIR: it writes
 * `<RESULTS_DIR>/summary.json`, of which only `gateway_own_cpu_us_above_library` is read here.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readGatewayFigure } from '../report/tolerant-gateway-summary';
import { ROOT } from './local-system';

export interface GatewayCpu {
  /** Microseconds; undefined when the benchmark wrote no summary holding the figure. */
  readonly ownCpuUsAboveLibrary: number | undefined;
  readonly why?: string;
}

export interface GatewayBenchmarkOptions {
  readonly dir: string;
  readonly say: (line: string) => void;
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
}

export async function measureGatewayCpu(options: GatewayBenchmarkOptions): Promise<GatewayCpu> {
  mkdirSync(options.dir, { recursive: true });
  const exitCode = await runBenchmark(options);
  const file = path.join(options.dir, 'summary.json');
  if (!existsSync(file))
    return { ownCpuUsAboveLibrary: undefined, why: `npm run perf:gateway (exit ${exitCode}) wrote no ${file}` };
  const figure = readGatewayFigure(JSON.parse(readFileSync(file, 'utf8')));
  return figure === undefined
    ? { ownCpuUsAboveLibrary: undefined, why: `${file} holds no number gateway_own_cpu_us_above_library` }
    : { ownCpuUsAboveLibrary: figure };
}

/**
 * `npm run perf:gateway` in its own process group, its output prefixed onto ours; stopped by its
 * id on timeout, and when this process exits first (Ctrl-C: the perf CLI stops its system, then exits).
 */
function runBenchmark({ dir, say, env, timeoutMs }: GatewayBenchmarkOptions): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'perf:gateway'], {
      cwd: ROOT,
      env: { ...process.env, ...env, RESULTS_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const relay = (chunk: Buffer) => process.stderr.write(chunk.toString().replace(/^(?=.)/gm, '[perf gateway] '));
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    const stop = () => child.pid !== undefined && stopGroup(child.pid);
    const timer = setTimeout(() => {
      say(`perf:gateway still running after ${timeoutMs / 1000} s: stopping it`);
      stop();
    }, timeoutMs);
    process.once('exit', stop);
    child.once('error', () => resolve(-1));
    child.once('exit', (code) => {
      clearTimeout(timer);
      process.off('exit', stop);
      resolve(code ?? -1);
    });
  });
}

function stopGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
