import type { IHeaders } from 'kafkajs';
import { REQUEST_ID_HEADER, currentRequestId } from '../logging/request-context';

/** Headers that carry the current request id into Kafka, so the consumer can log under it. */
export function requestIdHeaders(requestId = currentRequestId()): Record<string, string> {
  return requestId ? { [REQUEST_ID_HEADER]: requestId } : {};
}

/** Reads one header of a consumed message as text. */
export function readHeader(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
