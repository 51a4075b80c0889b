import path from 'node:path';

/** The repository's root (this file is in libraries/system-launcher/src/, or dist/ once built). */
export const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');

/** Where local state lives (git-ignored): `$ECOM_DATA_DIR`, default `.data`. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env['ECOM_DATA_DIR'] ?? path.join(REPOSITORY_ROOT, '.data');
}

/** Where the infrastructure scripts and `npm start` keep pid files: `$ECOM_DATA_DIR/run` (default `.data/run`). */
export function runDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDirectory(env), 'run');
}
