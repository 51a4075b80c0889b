#!/usr/bin/env node
/**
 * The containers' health probe (Dockerfile HEALTHCHECK, docker-compose, ECS): exits 0 when the URL
 * answers 2xx within the timeout, 1 otherwise (Docker reserves 2). Plain Node with no dependencies
 * and no shell, because the slim runtime images have neither curl nor wget.
 *
 * Usage: node healthcheck.js [URL]   URL defaults to $HEALTHCHECK_URL (set by each image)
 *        HEALTHCHECK_TIMEOUT_MS      bound on the whole request (default 3000)
 */
'use strict';

const url = process.argv[2] || process.env.HEALTHCHECK_URL;
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 3000);

if (!url) {
  console.error('healthcheck: no URL given (argument or HEALTHCHECK_URL)');
  process.exit(1);
}

fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(
  (response) => {
    if (!response.ok) console.error(`healthcheck: ${url} answered ${response.status}`);
    process.exit(response.ok ? 0 : 1);
  },
  (error) => {
    console.error(`healthcheck: ${url}: ${error.cause?.code ?? error.name ?? error.message}`);
    process.exit(1);
  },
);
