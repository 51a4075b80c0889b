/**
 * One Jest run for the whole workspace. TypeScript is compiled by SWC (type checking is tsc's
 * job in `npm test`); workspace packages resolve to their sources, so no build is needed first.
 */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

const packages = [
  'libraries/service-kit',
  'services/product-service',
  'services/order-service',
  'gateway',
  'performance-tests',
  'infrastructure',
  'aws',
  'reliability',
];

/** @type {import('jest').Config} */
module.exports = {
  projects: packages
    .filter((dir) => require('node:fs').existsSync(`${__dirname}/${dir}/package.json`))
    .map((dir) => ({
      displayName: dir.split('/').pop(),
      rootDir: `${__dirname}/${dir}`,
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper: {
        '^@ecom/service-kit$': `${__dirname}/libraries/service-kit/src/index.ts`,
        '^@ecom/service-kit/testing$': `${__dirname}/libraries/service-kit/src/testing/index.ts`,
      },
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      slowTestThreshold: 20,
    })),
  testTimeout: 60_000,
  maxWorkers: 2,
};
