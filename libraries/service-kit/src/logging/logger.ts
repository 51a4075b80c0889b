import pino, { type Logger, type LoggerOptions } from 'pino';
import { currentRequestId } from './request-context';

export type { Logger } from 'pino';

export interface LoggerSettings {
  readonly service: string;
  readonly level?: LoggerOptions['level'];
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  readonly destination?: pino.DestinationStream;
  /**
   * Lines to stdout are written in batches of at least this many bytes (and at least once a
   * second), as nginx's `access_log … buffer= flush=` does, instead of one write per line: on a
   * busy proxy or service that write is a system call per request. 0 writes every line at once.
   * Buffered lines are flushed on exit; a crash of the process itself loses at most this much.
   */
  readonly bufferBytes?: number;
}

const FLUSH_INTERVAL_MS = 1_000;

/** A pino JSON logger that stamps every line with the service name and the current request id. */
export function createLogger({ service, level = 'info', destination, bufferBytes = 0 }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { request_id: requestId } : {};
    },
    redact: { paths: ['*.password', '*.headers.authorization', '*.headers.cookie'], censor: '[redacted]' },
  };
  return pino(options, destination ?? stdoutDestination(bufferBytes));
}

function stdoutDestination(bufferBytes: number): pino.DestinationStream {
  if (bufferBytes <= 0) return pino.destination({ dest: 1, sync: true });
  const buffered = pino.destination({ dest: 1, sync: false, minLength: bufferBytes });
  setInterval(() => buffered.flush(), FLUSH_INTERVAL_MS).unref();
  return buffered;
}
