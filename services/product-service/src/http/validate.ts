import type { z } from 'zod';
import { validationError } from '@ecom/service-kit/errors';

/** Parses `input` with `schema`, or throws a 400 naming every bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, message?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error.issues, message);
  return result.data;
}
