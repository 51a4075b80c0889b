import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, toErrorBody } from '@ecom/service-kit/errors';
import { REQUEST_ID_HEADER } from '@ecom/service-kit/logging';
import type { Logger } from 'pino';

/**
 * How long a client may take to send a whole request, headers and body. Node checks it every
 * `connectionsCheckingInterval`; its default (30 s) would let a slow-loris body hold a request
 * that long, so the gateway checks every second.
 */
export function clientTimeoutOptions(requestTimeoutMs: number): ServerOptions {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
  };
}

/**
 * Answers what Node's HTTP parser refuses before (or while) a request reaches the gateway's
 * handlers in the shared JSON error shape, instead of Node's bare-text default: 408 for a client
 * that did not send its request in time (a partial body: the upstream call is abandoned with the
 * connection), 431 for oversized headers, 400 for anything unparsable. The connection is closed.
 */
export function answerClientErrorsInJson(server: Server, logger: Logger): Server {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const response = pendingResponse(socket);
    const refusal = clientErrorFor(error.code);
    if (refusal === undefined || !socket.writable || response?.headersSent === true) {
      socket.destroy();
      return;
    }
    const requestId = String(response?.getHeader(REQUEST_ID_HEADER) ?? randomUUID());
    logger.info({ err: error, status: refusal.status, request_id: requestId }, 'client error: %s', refusal.code);
    socket.end(rawErrorResponse(refusal, requestId));
  });
  return server;
}

function clientErrorFor(code: string | undefined): AppError | undefined {
  if (code === 'ECONNRESET' || code === 'EPIPE') return undefined; // the client is gone: nobody to answer
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new AppError('request_timeout', 'The request was not received in time', { status: 408 });
  if (code === 'HPE_HEADER_OVERFLOW')
    return new AppError('headers_too_large', 'The request headers are too large', { status: 431 });
  return new AppError('malformed_request', 'The request is not valid HTTP/1.1', { status: 400 });
}

/**
 * The response object of a request already handed to the gateway's handlers (its request id is
 * set on it), if any. Node keeps it on the socket as `_httpMessage`, as its own default
 * clientError handler reads it; it is not part of the typed API.
 */
function pendingResponse(socket: Duplex): ServerResponse | undefined {
  return (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

function rawErrorResponse(error: AppError, requestId: string): string {
  const body = JSON.stringify(toErrorBody(error, requestId));
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${REQUEST_ID_HEADER}: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
