import { z } from 'zod';
import { isSecret } from './env-vars';

/** Thrown when the environment does not satisfy a service's schema; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * Parses `env` (by default `process.env`) once with a zod object schema whose keys are the
 * variable names, and returns a deeply frozen, typed result. Every problem is reported at once,
 * each naming its variable, so a misconfigured deployment fails fast with one readable message.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): DeepReadonly<z.infer<S>> {
  const variables = withoutEmptyStrings(env);
  const result = schema.safeParse(variables, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => describeIssue(issue, variables, schema)));
  }
  return deepFreeze(result.data) as DeepReadonly<z.infer<S>>;
}

/** An empty variable (`PORT=`) means "not set", so defaults apply and required ones are reported. */
function withoutEmptyStrings(env: NodeJS.ProcessEnv): Record<string, string> {
  const entries = Object.entries(env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
  );
  return Object.fromEntries(entries);
}

function describeIssue(issue: z.core.$ZodIssue, variables: Record<string, string>, schema: z.ZodObject): string {
  const name = String(issue.path[0] ?? '(environment)');
  const raw = variables[name];
  if (raw === undefined) return `${name}: is required but not set`;
  if (isSecret(schema.shape[name]))
    return `${name}: ${issue.message} (got ${raw.length} characters; the value is not shown)`;
  return `${name}: ${issue.message} (got ${JSON.stringify(raw)})`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
