/** A small Dockerfile reader: instructions with continuations joined, comments dropped, stages split. */
import { readRepoFile } from './repo';

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** The JSON (exec) form's items, when the arguments are a JSON array. */
  readonly execForm?: string[];
  readonly line: number;
}

export interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly instructions: Instruction[];
}

export interface Dockerfile {
  readonly path: string;
  readonly stages: Stage[];
}

export function parseDockerfile(text: string, path = 'Dockerfile'): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const start = index;
    let line = lines[index]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && index + 1 < lines.length) {
      index++;
      const next = lines[index]!;
      if (/^\s*#/.test(next)) continue; // comment lines inside a continued instruction
      line = `${line.replace(/\\\s*$/, '')} ${next.trim()}`;
    }
    const match = /^\s*(\w+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const args = match[2]!.trim();
    instructions.push({ keyword: match[1]!.toUpperCase(), args, execForm: execForm(args), line: start + 1 });
  }
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ from: image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { path, stages };
}

export function readDockerfile(relative: string): Dockerfile {
  return parseDockerfile(readRepoFile(relative), relative);
}

function execForm(args: string): string[] | undefined {
  const json = /(\[.*\])\s*$/.exec(args)?.[1];
  if (json === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function finalStage(dockerfile: Dockerfile): Stage {
  return dockerfile.stages.at(-1)!;
}

export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** `ENV A=1 B=2` (and the legacy `ENV A 1`) of a stage, as a map. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructionsOf(stage, 'ENV')) {
    if (!args.includes('=')) {
      const [key = '', ...rest] = args.split(/\s+/);
      env[key] = rest.join(' ');
      continue;
    }
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      env[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}

/** The context paths a stage copies from the build context (`COPY` without `--from`). */
export function contextSourcesOf(stage: Stage): string[] {
  return instructionsOf(stage, 'COPY')
    .filter(({ args }) => !/--from=/.test(args))
    .flatMap(({ args, execForm: items }) => {
      const parts = items ?? args.split(/\s+/).filter((part) => !part.startsWith('--'));
      return parts.slice(0, -1);
    });
}
