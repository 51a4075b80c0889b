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

/** `express`, `http-proxy-middleware`, `node:_http_server`, `gateway/src/http/…`, `(garbage collector)`… */
export function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const inPackage = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (inPackage) return inPackage[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '');
  const inRepo = /\/(gateway\/src\/.+|libraries\/service-kit\/src\/.+)$/.exec(url);
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

/** The summary as a few readable tables (percent of busy time). */
export function formatSummary(summary: ProfileSummary): string {
  const table = (title: string, rows: readonly [string, number][]) =>
    [title, ...rows.map(([name, ms]) => `  ${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%  ${name}`)].join(
      '\n',
    );
  return [
    `busy time profiled: ${summary.totalMs.toFixed(0)} ms`,
    table('self time by area:', summary.selfByArea.slice(0, 20)),
    table('inclusive time by area (area anywhere on the stack):', summary.inclusiveByArea.slice(0, 25)),
    table('self time by function:', summary.topFunctions),
  ].join('\n\n');
}
