import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER } from '@ecom/service-kit/logging';

/** What a caller's id may look like (bounded, nothing that breaks a header or a log line), as the services accept. */
const acceptableRequestId = /^[\w.:-]{1,128}$/;

/** Ids per prefix before a new prefix is drawn: the counter fills the last 12 hex digits. */
const COUNTER_LIMIT = 2 ** 48;

/**
 * Makes request ids shaped like UUIDs (36 characters, lowercase hex and dashes, so whatever
 * stores or parses them is unchanged): the first 24 characters are drawn once from
 * `crypto.randomUUID()` per process (74 random bits), the last 12 are a counter. Ids are unique
 * within the process by the counter and across processes and restarts by the random prefix, and
 * cost a string concatenation instead of a trip into the crypto module per request.
 */
export function requestIdGenerator(random: () => string = randomUUID, idsPerPrefix = COUNTER_LIMIT): () => string {
  let prefix = random().slice(0, 24);
  let counter = 0;
  return () => {
    if (counter === idsPerPrefix) {
      prefix = random().slice(0, 24);
      counter = 0;
    }
    return prefix + (counter++).toString(16).padStart(12, '0');
  };
}

/**
 * The id of a request: the caller's `X-Request-Id` when it is sane, else a new one. It is written
 * back into the request headers, which is how the proxy forwards it and how the gateway's logs
 * and error bodies read it (`requestIdOf`). The gateway does not keep it in AsyncLocalStorage
 * (the services do): on Node 20 that turns on async hooks for every promise of every request.
 */
export function assignRequestId(req: IncomingMessage, nextId: () => string): string {
  const candidate = req.headers[REQUEST_ID_HEADER];
  const requestId = typeof candidate === 'string' && acceptableRequestId.test(candidate) ? candidate : nextId();
  req.headers[REQUEST_ID_HEADER] = requestId;
  return requestId;
}

/** The id `assignRequestId` settled on (undefined before it ran). */
export function requestIdOf(req: IncomingMessage): string | undefined {
  const requestId = req.headers[REQUEST_ID_HEADER];
  return typeof requestId === 'string' ? requestId : undefined;
}
