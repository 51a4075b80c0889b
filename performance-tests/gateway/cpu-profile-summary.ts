import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Time spent in each area's own code (a package, a part of Node, the gateway's files). */
  readonly selfByArea: readonly [string, number][];
  /** Every area's self time, not only the largest (for comparing two profiles). */
  readonly selfByAreaAll: readonly [string, number][];
  /** Time spent with the area anywhere on the stack (includes what it called). */
  readonly inclusiveByArea: readonly [string, number][];
  readonly topFunctions: readonly [string, number][];
}

/**
 * Where the time of a `node --cpu-prof` profile went: by area (npm package, Node subsystem, the
 * gateway's own files) and by function. Idle time is left out, so shares are of busy time.
 */
export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    const ms = (profile.timeDeltas[index] ?? 0) / 1_000;
    totalMs += ms;
    add(self, areaOf(node), ms);
    add(functions, describe(node), ms);
    for (const area of areasOnStack(id, byId, parentOf)) add(inclusive, area, ms);
  });
  return {
    totalMs,
    selfByArea: sorted(self),
    selfByAreaAll: sorted(self, Number.POSITIVE_INFINITY),
    inclusiveByArea: sorted(inclusive),
    topFunctions: sorted(functions, top),
  };
}

function areasOnStack(id: number, byId: Map<number, ProfileNode>, parentOf: Map<number, number>): Set<string> {
  const areas = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
    areas.add(areaOf(byId.get(current)!));
  }
  return areas;
}

/** `express`, `http-proxy-middleware`, `node:_http_server`, `gateway/dist/http/…`, `(garbage collector)`… */
export function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const inPackage = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (inPackage) return inPackage[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '');
  const inRepo = /\/((?:gateway|libraries\/service-kit)\/(?:src|dist)\/.+)$/.exec(url);
  if (inRepo) return inRepo[1]!;
  return url;
}

function describe(node: ProfileNode): string {
  const { functionName, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${areaOf(node)}:${lineNumber + 1}`;
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function sorted(map: Map<string, number>, limit = 30): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, limit);
}

export interface ProfiledRun {
  readonly name: string;
  readonly summary: ProfileSummary;
  /** Requests served while the profiler ran. */
  readonly requests: number;
  /** The process's CPU time (user + system, all threads) per request while the profiler ran. */
  readonly cpuMicrosPerRequest: number;
}

/**
 * µs of CPU per request for `ms` of profiled time. The profiler's time is wall time between
 * samples of the main thread, so on a busy machine it also counts time the process waited for a
 * core; scaling the profile to the process's measured CPU time per request gives each area its
 * share of what the process really spent (GC threads and the kernel spread in proportion).
 */
function cpuMicros(run: ProfiledRun, ms: number): number {
  return (ms / run.summary.totalMs) * run.cpuMicrosPerRequest;
}

/** The summary as a few readable tables: share of busy time, and µs of CPU per request. */
export function formatSummary(run: ProfiledRun): string {
  const { summary } = run;
  const table = (title: string, rows: readonly [string, number][]) =>
    [
      title,
      ...rows.map(
        ([name, ms]) =>
          `  ${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}% ${cpuMicros(run, ms).toFixed(1).padStart(6)} µs  ${name}`,
      ),
    ].join('\n');
  return [
    `${run.name}: ${run.requests} requests profiled, ${run.cpuMicrosPerRequest.toFixed(0)} µs of CPU per request`,
    table('self time by area:', summary.selfByArea.slice(0, 20)),
    table('inclusive time by area (area anywhere on the stack):', summary.inclusiveByArea.slice(0, 25)),
    table('self time by function:', summary.topFunctions),
  ].join('\n\n');
}

/**
 * Where one process spends more per request than another: self time by area in µs of CPU per
 * request, both runs side by side, largest difference first. Under the same load, what the
 * gateway's profile holds above bare http-proxy-middleware's is the gateway's own work (its files,
 * the packages it adds, and the Node work they cause, such as more headers to write).
 */
export function formatComparison(run: ProfiledRun, reference: ProfiledRun, top = 15): string {
  const perRequest = (profiled: ProfiledRun) =>
    new Map(profiled.summary.selfByAreaAll.map(([area, ms]) => [area, cpuMicros(profiled, ms)]));
  const mine = perRequest(run);
  const theirs = perRequest(reference);
  const rows = [...new Set([...mine.keys(), ...theirs.keys()])]
    .map((area) => [area, mine.get(area) ?? 0, theirs.get(area) ?? 0] as const)
    .sort((a, b) => b[1] - b[2] - (a[1] - a[2]));
  const cell = (value: number) => value.toFixed(1).padStart(9);
  const line = ([area, a, b]: readonly [string, number, number]) => `  ${cell(a - b)} ${cell(a)} ${cell(b)}  ${area}`;
  const onlyMine = rows.filter(([, , b]) => b === 0).reduce((sum, [, a]) => sum + a, 0);
  const above = rows.filter(([, a, b]) => a - b >= 0.05).slice(0, top);
  const below = rows.filter(([, a, b]) => b - a >= 0.05).slice(-top);
  return [
    `self time by area, µs of CPU per request: ${run.name} (A) vs ${reference.name} (B)`,
    `  ${'A − B'.padStart(9)} ${'A'.padStart(9)} ${'B'.padStart(9)}  area`,
    ...above.map(line),
    ...(below.length > 0 ? ['  …', ...below.map(line)] : []),
    line(['(all, with the profiler on)', run.cpuMicrosPerRequest, reference.cpuMicrosPerRequest]),
    `  ${cell(onlyMine)} in areas B never runs (A's own files and the packages only A uses)`,
  ].join('\n');
}
