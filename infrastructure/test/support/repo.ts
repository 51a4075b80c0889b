import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is infrastructure/test/support/repo.ts). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export function repoPath(relative: string): string {
  return path.resolve(REPO_ROOT, relative);
}

export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

export function existsInRepo(relative: string): boolean {
  return existsSync(repoPath(relative));
}

/** Every file under `relative` (recursively) whose name ends with one of `extensions`. */
export function listRepoFiles(relative: string, extensions: readonly string[]): string[] {
  const root = repoPath(relative);
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules' || entry === 'dist') continue;
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (extensions.some((extension) => entry.endsWith(extension))) found.push(full);
    }
  };
  walk(root);
  return found.sort();
}

/** `.properties` / `my.cnf` style `key=value` lines of one section (or of the whole file). */
export function parseKeyValueLines(text: string, section?: string): Map<string, string> {
  const values = new Map<string, string>();
  let current: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1];
      continue;
    }
    if (section !== undefined && current !== section) continue;
    const at = line.indexOf('=');
    const key = (at === -1 ? line : line.slice(0, at)).trim();
    const value = at === -1 ? '' : line.slice(at + 1).trim();
    values.set(key, value.replace(/^'(.*)'$/, '$1'));
  }
  return values;
}
