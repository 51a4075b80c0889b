/**
 * docker-compose.yml as Docker Compose sees it: YAML with merge keys (`<<`), then variable
 * interpolation (`${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `$$`), then the
 * short and long forms of ports, volumes, environment and depends_on in one shape each.
 */
import { parse } from 'yaml';
import { readRepoFile } from './repo';

export const COMPOSE_FILE = 'docker-compose.yml';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface ComposeService {
  readonly image?: string;
  readonly build?: string | { context?: string; dockerfile?: string };
  readonly entrypoint?: string | string[] | null;
  readonly command?: string | string[] | null;
  readonly environment?: Record<string, string | number | boolean | null> | string[];
  readonly ports?: (string | number | { target: number | string; published?: number | string; host_ip?: string })[];
  readonly volumes?: (string | { type: string; source?: string; target: string; read_only?: boolean })[];
  readonly depends_on?: string[] | Record<string, { condition: string }>;
  readonly healthcheck?: { test?: string | string[]; disable?: boolean | string };
  readonly profiles?: string[];
  readonly restart?: string;
  readonly stop_grace_period?: string;
}

export interface ComposeFile {
  readonly name?: string;
  readonly services: Record<string, ComposeService>;
  readonly volumes?: Record<string, unknown>;
}

/** The file as parsed, merge keys applied, variables not yet interpolated. */
export function parseComposeText(text: string): Json {
  return parse(text, { merge: true, maxAliasCount: -1 }) as Json;
}

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export interface VariableUse {
  readonly name: string;
  /** The default after `:-` / `-`, if any. */
  readonly fallback?: string;
  readonly required: boolean;
}

/** Every `${VAR...}` / `$VAR` in a string (not `$$`, which is a literal dollar for the container). */
export function variableUses(value: string): VariableUse[] {
  const uses: VariableUse[] = [];
  for (const match of value.matchAll(VARIABLE)) {
    if (match[0] === '$$') continue;
    const name = match[1] ?? match[4]!;
    const operator = match[2];
    uses.push({
      name,
      ...(operator?.endsWith('-') ? { fallback: match[3] ?? '' } : {}),
      required: operator?.endsWith('?') ?? false,
    });
  }
  return uses;
}

/** Compose's interpolation of one string with `variables` (what the shell and .env provide). */
export function interpolate(value: string, variables: Readonly<Record<string, string>>): string {
  return value.replace(
    VARIABLE,
    (whole, braced: string | undefined, operator: string | undefined, argument = '', bare) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare) as string;
      const current = variables[name];
      const missing = operator?.startsWith(':') ? current === undefined || current === '' : current === undefined;
      if (operator?.endsWith('-')) return missing ? interpolate(argument, variables) : current!;
      if (operator?.endsWith('?') && missing) {
        throw new Error(`required variable ${name} is missing: ${argument}`);
      }
      return current ?? '';
    },
  );
}

function interpolateAll(value: Json, variables: Readonly<Record<string, string>>): Json {
  if (typeof value === 'string') return interpolate(value, variables);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, variables));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateAll(item, variables)]));
  }
  return value;
}

/** Every variable use in the file, by walking all string values (keys never hold variables here). */
export function allVariableUses(value: Json): VariableUse[] {
  if (typeof value === 'string') return variableUses(value);
  if (Array.isArray(value)) return value.flatMap(allVariableUses);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allVariableUses);
  return [];
}

export function loadComposeFile(variables: Readonly<Record<string, string>> = {}): {
  raw: Json;
  compose: ComposeFile;
} {
  const raw = parseComposeText(readRepoFile(COMPOSE_FILE));
  return { raw, compose: interpolateAll(raw, variables) as unknown as ComposeFile };
}

/** The environment a container gets, as strings (numbers and booleans as Compose writes them). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at === -1 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment)
      .filter(([, value]) => value !== null)
      .map(([key, value]) => [key, String(value)]),
  );
}

export function dependenciesOf(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? [];
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]));
}

export interface PublishedPort {
  readonly hostIp: string;
  readonly published: number;
  readonly target: number;
}

/** Published ports, short syntax (`[IP:]HOST:CONTAINER[/proto]`) or long; unpublished ones are left out. */
export function publishedPortsOf(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).flatMap((port): PublishedPort[] => {
    if (typeof port === 'object') {
      if (port.published === undefined) return [];
      return [{ hostIp: port.host_ip ?? '0.0.0.0', published: Number(port.published), target: Number(port.target) }];
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    if (parts.length < 2) return [];
    const [target, published] = [parts.pop()!, parts.pop()!];
    return [{ hostIp: parts.pop() ?? '0.0.0.0', published: Number(published), target: Number(target) }];
  });
}

export interface Mount {
  readonly type: 'bind' | 'volume' | string;
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export function mountsOf(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((volume): Mount => {
    if (typeof volume === 'object') {
      return { type: volume.type, source: volume.source ?? '', target: volume.target, readOnly: !!volume.read_only };
    }
    const [source = '', target = '', mode = ''] = volume.split(':');
    const isBind = source.startsWith('.') || source.startsWith('/');
    return { type: isBind ? 'bind' : 'volume', source, target, readOnly: mode.split(',').includes('ro') };
  });
}

function wordsOf(value: string | string[] | null | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}

/** The command a container runs, as Docker assembles it: the entrypoint set here (if any), then the command. */
export function commandOf(service: ComposeService): string[] | undefined {
  const entrypoint = wordsOf(service.entrypoint);
  const command = wordsOf(service.command);
  return entrypoint === undefined ? command : [...entrypoint, ...(command ?? [])];
}

/** The script of a `node [options] <script> [arguments]` command (the first word after node's own options). */
export function scriptOf(command: readonly string[]): string | undefined {
  return command.slice(1).find((word) => !word.startsWith('-'));
}

/** A run-to-completion job (topics, migrations, seed, k6): not restarted, nothing waits for it to be healthy. */
export function isJob(service: ComposeService): boolean {
  return service.restart === 'no';
}

/** The URL a `[CMD, node, /app/healthcheck.js, URL]` healthcheck probes, if it is one. */
export function healthcheckUrlOf(service: ComposeService): URL | undefined {
  const test = service.healthcheck?.test;
  if (!Array.isArray(test)) return undefined;
  const url = test.find((part) => /^https?:\/\//.test(part));
  return url === undefined ? undefined : new URL(url);
}
