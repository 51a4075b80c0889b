import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The header that carries the request id over HTTP and in Kafka message headers. */
export const REQUEST_ID_HEADER = 'x-request-id';

const acceptableRequestId = /^[\w.:-]{1,128}$/;

/** Runs `work` with `requestId` visible to every log line and outgoing call made inside it. */
export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Keeps a caller's id when it is sane (bounded, no header-breaking characters), else makes one. */
export function resolveRequestId(candidate: unknown): string {
  if (typeof candidate === 'string' && acceptableRequestId.test(candidate)) return candidate;
  return randomUUID();
}
