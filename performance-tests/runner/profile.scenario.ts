/**
 * profile: one service runs under clinic (doctor: event loop, CPU, memory, handles; or flame: a
 * flame graph) while k6 drives a steady sync + async load through the gateway; clinic writes its
 * HTML next to the results when the service stops.
 */
import path from 'node:path';
import { ROOT } from './local-system';
import { awaitDrained, env, runK6Step, stepResults, type RunContext, type ScenarioOutcome } from './run-context';

const PROFILED = ['product-service', 'order-service', 'order-worker', 'gateway'];

export function clinicWrapper(service: string | undefined, tool: 'doctor' | 'flame', dir: string) {
  if (service === undefined || !PROFILED.includes(service))
    throw new Error(`profile which service? one of ${PROFILED.join(', ')}`);
  const clinic = path.join(ROOT, 'performance-tests/node_modules/.bin/clinic');
  return {
    service,
    // clinic stops the service and writes its report on SIGINT (local-system sends that to it).
    stopSignal: 'SIGINT' as const,
    // Through `env` (which execs clinic, so the signal reaches it): without NO_INSIGHT clinic asks
    // for permission to send usage statistics and, with no terminal to ask on, quietly exits.
    wrap: (nodeArgs: string[]): [string, string[]] => [
      'env',
      [
        'NO_INSIGHT=1',
        'NO_UPDATE_NOTIFIER=1',
        clinic,
        tool,
        '--open=false',
        '--dest',
        path.join(dir, 'clinic'),
        '--',
        process.execPath,
        ...nodeArgs,
      ],
    ],
  };
}

export async function runProfile(ctx: RunContext, service: string, tool: string): Promise<ScenarioOutcome> {
  const rate = env('PROFILE_RATE', '50');
  const seconds = env('PROFILE_SECONDS', '30');
  ctx.say(`profiling ${service} with clinic ${tool}: sync and async at ${rate}/s for ${seconds} s each`);
  const outcome = await runK6Step(ctx, 'profile', {
    SCENARIO: 'compare',
    MODES: 'sync,async',
    RATES: rate,
    STEP_SECONDS: seconds,
    GAP_SECONDS: '2',
  });
  await awaitDrained(ctx);
  return { steps: stepResults(ctx, outcome), settings: { service, tool, rate, seconds } };
}
