import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

/**
 * jose 6 is published as ES modules only, and the workspace compiles to CommonJS. Node 20.19+
 * loads an ES module through `require()` (require(esm)), but TypeScript's `node16` module mode
 * cannot express that as an `import`, so the types come from the ES module and the value from
 * `require` (as the gateway does for http-proxy-middleware). Jest compiles jose for its own loader
 * (transformIgnorePatterns in the root jest.config.js). Everything else imports jose from here.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: require(esm) of an ESM-only package
const jose = require('jose') as typeof Jose;

export const { SignJWT, jwtVerify, importPKCS8, importSPKI, exportPKCS8, exportSPKI, generateKeyPair } = jose;
export const { createRemoteJWKSet, errors } = jose;
export type { JWTVerifyGetKey, CryptoKey } from 'jose' with { 'resolution-mode': 'import' };
