/**
 * profile: one service runs under clinic (doctor: event loop, CPU, memory, handles; or flame: a
 * flame graph) while k6 drives a steady sync + async load through the gateway; clinic writes its
 * HTML next to the results when the service stops.
 *
 * clinic doctor is not supported on Node >= 21.7 (clinicjs/node-clinic#480; the fix,
 * clinicjs/node-clinic-doctor#383, is an open pull request), and the profiled service runs on the
 * Node that runs this tool. So without `--tool`, doctor on Node < 21.7 and flame elsewhere
 * (chooseClinicTool); `--tool doctor` still runs it there, with a warning.
 */
import path from 'node:path';
import { ROOT } from './local-system';
import { awaitDrained, env, runK6Step, stepResults, type RunContext, type ScenarioOutcome } from './run-context';

export const CLINIC_TOOLS = ['doctor', 'flame'] as const;
export type ClinicTool = (typeof CLINIC_TOOLS)[number];

/** The first Node release clinic doctor is not supported on (clinicjs/node-clinic#480). */
const DOCTOR_BROKEN_FROM: readonly [number, number] = [21, 7];

/** Whether clinic doctor supports Node `version` (`process.versions.node`, e.g. `20.20.2`). */
export function doctorSupports(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [brokenMajor, brokenMinor] = DOCTOR_BROKEN_FROM;
  return major < brokenMajor || (major === brokenMajor && minor < brokenMinor);
}

/**
 * The clinic tool of a profile run and one line saying which and why: the one asked for with
 * `--tool`, otherwise doctor where the running Node supports it and flame elsewhere.
 */
export function chooseClinicTool(
  asked: string | undefined,
  nodeVersion: string = process.versions.node,
): { tool: ClinicTool; reason: string } {
  if (asked !== undefined && !(CLINIC_TOOLS as readonly string[]).includes(asked))
    throw new Error(`--tool is ${CLINIC_TOOLS.join(' or ')} (got ${asked})`);
  const supported = doctorSupports(nodeVersion);
  const upstream = 'clinic doctor is not supported on Node >= 21.7 (clinicjs/node-clinic#480)';
  const tool = (asked as ClinicTool | undefined) ?? (supported ? 'doctor' : 'flame');
  const why =
    asked !== undefined
      ? `as asked (--tool ${asked}), on Node ${nodeVersion}`
      : supported
        ? `Node ${nodeVersion} is one it supports (--tool flame for a flame graph)`
        : `${upstream} and this is Node ${nodeVersion} (--tool doctor to try it anyway)`;
  const warning = tool === 'doctor' && !supported ? `; but ${upstream}: check its report` : '';
  return { tool, reason: `clinic ${tool}: ${why}${warning}` };
}

const PROFILED = ['product-service', 'order-service', 'order-worker', 'gateway'];

export function clinicWrapper(service: string | undefined, tool: ClinicTool, dir: string) {
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

export async function runProfile(ctx: RunContext, service: string, tool: ClinicTool): Promise<ScenarioOutcome> {
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
