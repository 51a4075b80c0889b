import type { z } from 'zod';

/** A value the launcher gives a variable; lists are written comma-separated (KAFKA_BROKERS, *_URLS). */
export type EnvValue = string | number | boolean | readonly string[];

/**
 * Values for the variables of one service's config schema, each optional. The keys are the
 * schema's own, so a name the schema does not declare (a typo) does not compile.
 */
export type EnvValuesOf<S extends z.ZodObject> = { readonly [K in keyof S['shape'] & string]?: EnvValue };

/**
 * `values` as environment variables. Undefined values are left out (the service's own default,
 * or the caller's environment, applies). A name the schema does not declare is refused at run time
 * too, for values that reached here through a spread, which the type check does not see.
 */
export function toEnv<S extends z.ZodObject>(schema: S, values: EnvValuesOf<S>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values) as [string, EnvValue | undefined][]) {
    if (!(name in schema.shape)) throw new Error(`${name} is not a variable of this service's config schema`);
    if (value !== undefined) env[name] = typeof value === 'object' ? value.join(',') : String(value);
  }
  return env;
}
