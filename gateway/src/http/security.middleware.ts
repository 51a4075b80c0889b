import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import helmet from 'helmet';
import type { Middleware } from './middleware-chain';

/**
 * helmet's security headers for the JSON API: nothing in an API response may load or run
 * anything, so the Content-Security-Policy is `default-src 'none'`. `upgrade-insecure-requests`
 * is left out because the gateway itself speaks plain HTTP (TLS ends at the load balancer).
 * The headers are the same for every response, so helmet is asked once, at start-up, and each
 * response only gets them copied (helmet's chain of a dozen middleware per request was a
 * tenth of the gateway's own cost on the proxy's hot path).
 */
export function apiSecurityHeaders(): (res: ServerResponse) => void {
  const headers = headersSetBy(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
    }),
  );
  // Lowercase names (HTTP field names are case-insensitive; HTTP/2 sends only lowercase): Node
  // lowercases every name it is given, and a name that already is one needs no new string per response.
  const names = headers.map(([name]) => name.toLowerCase());
  const values = headers.map(([, value]) => value);
  return (res) => {
    for (let index = 0; index < names.length; index += 1) res.setHeader(names[index]!, values[index]!);
  };
}

/** The headers a middleware with static output sets, recorded by running it once on a stand-in response. */
function headersSetBy(middleware: Middleware): readonly (readonly [string, string])[] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined, // helmet removes X-Powered-By, which the gateway never sets
  };
  let failure: unknown;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => (failure = error));
  if (failure) throw failure;
  return headers;
}

/**
 * The same headers for the API explorer at /docs, with a policy Swagger UI works under: scripts
 * and styles from the gateway itself only (no CDN, no inline script; Swagger UI does set inline
 * styles), images from itself and data: URLs, fetches to itself (the spec and "Try it out").
 */
export function docsSecurityHeaders(): Middleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
}

/**
 * CORS for the configured browser origins only (none by default: then no CORS headers at all and
 * browsers keep other sites out). Preflights are answered here; the headers a client needs to
 * read (ETag, Location, Retry-After, X-Request-Id, rate limits, WWW-Authenticate) are exposed, and
 * Authorization and If-Match may be sent.
 */
export function corsFor(origins: readonly string[]): Middleware | undefined {
  if (origins.length === 0) return undefined;
  return cors({
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Request-Id'],
    exposedHeaders: [
      'ETag',
      'Location',
      'Retry-After',
      'X-Request-Id',
      'RateLimit',
      'RateLimit-Policy',
      'WWW-Authenticate',
    ],
    maxAge: 600,
  });
}
