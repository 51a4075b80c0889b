import { AppError } from '@ecom/service-kit/errors';

/** Opaque page cursors: base64url of `{"after": <last id>}`. Clients pass them back unchanged. */
export function encodeCursor(afterId: number): string {
  return Buffer.from(JSON.stringify({ after: afterId })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (Number.isSafeInteger(after) && (after as number) >= 0) return after as number;
  } catch {
    // fall through to the error below
  }
  throw new AppError('invalid_cursor', 'The cursor is not one this API returned', {
    status: 400,
    details: [{ field: 'cursor', message: 'invalid cursor' }],
  });
}
