import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@ecom/service-kit/errors';
import type { Middleware } from './middleware-chain';

/** 413 in the shared error shape; the connection is closed, so an unread body is not drained. */
export function payloadTooLargeError(limitBytes: number): AppError {
  return new AppError('payload_too_large', `The request body is larger than ${limitBytes} bytes`, {
    status: 413,
    details: [{ message: `at most ${limitBytes} bytes`, limit_bytes: limitBytes }],
  });
}

/**
 * Refuses a declared `Content-Length` over the limit before anything is forwarded. Bodies are
 * never parsed here: they stream to the service. A body without a length (chunked) is counted
 * while it streams, by `limitStreamedBody`. Node's parser already guarantees a body is no longer
 * than its declared length.
 */
export function rejectOversizedBody(limitBytes: number): Middleware {
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limitBytes) {
      res.setHeader('Connection', 'close');
      next(payloadTooLargeError(limitBytes));
      return;
    }
    next();
  };
}

/** Whether the body streams without a declared length, and so has to be counted on the way. */
export function hasUndeclaredLength(req: IncomingMessage): boolean {
  return req.headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined;
}

/**
 * Pipes the request body through a counter that fails with a 413 AppError once more than
 * `limitBytes` went through; the caller forwards the counter's output instead of the request.
 */
export function limitStreamedBody(req: IncomingMessage, limitBytes: number): Transform {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limitBytes) callback(payloadTooLargeError(limitBytes));
      else callback(null, chunk);
    },
  });
  req.on('error', (error) => counter.destroy(error));
  return req.pipe(counter);
}
