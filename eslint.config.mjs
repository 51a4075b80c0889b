import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const PACKAGES = require('./workspace-packages.cjs');
const MAX_DEPTH = 6;

/**
 * A relative import leaves its package when it climbs more folders than the file sits below the
 * package's root: `../../x` from `gateway/src/app.ts` (one folder down) does. One rule per package
 * and depth, so the check is exact whatever the folders inside a package are called.
 */
function leavingPackage(depth) {
  return {
    regex: `^(\\.\\./){${depth + 1},}`,
    message: "Import another package through its declared exports (e.g. '@ecom/order-service/bench'), not by path.",
  };
}
function filesAtDepth(packageDir, depth) {
  return ['ts', 'mts', 'mjs', 'js'].map((ext) => `${packageDir}/${'*/'.repeat(depth)}*.${ext}`);
}
const packageBoundaries = PACKAGES.flatMap((packageDir) =>
  Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
    files: filesAtDepth(packageDir, depth),
    rules: { 'no-restricted-imports': ['error', { patterns: [leavingPackage(depth)] }] },
  })),
);

/**
 * The domain's imports, as an allow-list: its own folder, the kit's errors and logging, who a
 * caller is (@ecom/auth/identity: roles and identities, no I/O, no jose) and node:crypto (ids).
 * Everything else (data/, messaging/, http/, clients/, the wiring, drivers, frameworks, other kit
 * entry points, other packages) is refused.
 */
const domainImports = {
  regex: '^(?!\\./[^/]+$|@ecom/service-kit/(errors|logging)$|@ecom/auth/identity$|node:crypto$)',
  message:
    'domain/ imports only its own files, @ecom/service-kit/errors|logging, @ecom/auth/identity and node:crypto: it declares the ports it needs (domain/ports.ts), and data/, messaging/, http/ and clients/ implement them.',
};

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '.data/**', 'performance-tests/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  // Packages talk through their declared `exports` (@ecom/…), never by relative path into another
  // package (its src/, test/ or anything else).
  ...packageBoundaries,
  {
    // The domain owns its ports and imports no I/O layer (see domainImports).
    files: ['services/*/src/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [domainImports] }] },
  },
  {
    // The gateway's http/ composes the upstreams; upstreams/ (route table, agent, error kinds) knows nothing of http/.
    files: ['gateway/src/upstreams/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            leavingPackage(2),
            { regex: '^\\.\\./http(/|$)', message: 'upstreams/ must not import http/ (http/ imports upstreams/)' },
          ],
        },
      ],
    },
  },
  {
    // k6 scripts run in k6's JavaScript runtime, not Node: its globals instead of Node's.
    files: ['performance-tests/k6/**/*.js'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly' } },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
