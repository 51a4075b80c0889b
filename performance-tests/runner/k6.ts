/** Runs the k6 suite (performance-tests/k6/run.js) with the project's k6 and reads its per-step summary. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT } from './local-system';
import { runCommand } from './processes';

export interface K6Step {
  name: string;
  mode: string;
  offeredRps: number;
  startS: number;
  durationS: number;
  requests: number;
  achievedRps: number;
  latencyMs?: { avg: number; p50: number; p95: number; p99: number; max: number; count: number };
  counts: {
    ok: number;
    rejected: number;
    unavailable: number;
    noResponse: number;
    failed: number;
    unavailableWithoutRetryAfter?: number;
  };
  statuses?: Record<string, number>;
  errorRate: number;
  rejectedRate: number;
  rate503: number;
  droppedIterations: number;
  e2eMs?: { avg: number; p50: number; p95: number; p99: number; max: number; count: number };
  notFinal: number;
}

export interface K6Outcome {
  readonly exitCode: number;
  readonly setup: { productIds?: number[]; dataset?: string } | undefined;
  readonly steps: K6Step[];
  readonly checks?: { passes: number; fails: number };
}

let k6Path: string | undefined;

/** The k6 executable: one on PATH, else the one infrastructure/k6/k6.sh builds (first use: minutes). */
export async function findK6(): Promise<string> {
  k6Path ??= (await runCommand('bash', [`${ROOT}/infrastructure/k6/k6.sh`, 'path'])).trim();
  return k6Path;
}

/**
 * One k6 run. `name` names its files in `dir` (steps JSON, raw summary, dashboard HTML); k6's own
 * progress lines go to our stderr, prefixed, so long runs show where they are.
 */
export async function runK6(
  dir: string,
  name: string,
  env: Record<string, string>,
  dashboard = true,
): Promise<K6Outcome> {
  const summaryPath = path.join(dir, `${name}.k6-steps.json`);
  const k6 = await findK6();
  const k6Env: NodeJS.ProcessEnv = { ...process.env, ...env, SUMMARY_PATH: summaryPath, K6_NO_USAGE_REPORT: 'true' };
  if (dashboard)
    Object.assign(k6Env, {
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_PORT: '-1',
      K6_WEB_DASHBOARD_EXPORT: path.join(dir, `${name}.k6-dashboard.html`),
    });
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(k6, ['run', '--quiet', `${ROOT}/performance-tests/k6/run.js`], {
      env: k6Env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const relay = (chunk: Buffer) => process.stderr.write(chunk.toString().replace(/^(?=.)/gm, `[k6 ${name}] `));
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as {
    setup?: K6Outcome['setup'];
    steps?: K6Step[];
    checks?: K6Outcome['checks'];
  };
  return {
    exitCode,
    setup: summary.setup,
    steps: summary.steps ?? [],
    ...(summary.checks && { checks: summary.checks }),
  };
}

export async function k6Version(): Promise<string> {
  return (await runCommand(await findK6(), ['version'])).trim().split('\n')[0] ?? 'unknown';
}
