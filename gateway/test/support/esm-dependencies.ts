/**
 * Jest's module loader cannot run ES modules on Node 20 (it can from Node 24.9 on), and two
 * packages the gateway uses are ES modules, or load one: http-proxy-middleware 4 and
 * @apidevtools/swagger-parser (through json-schema-ref-parser). Node itself can (require(esm),
 * Node 20.19+), so the gateway's tests hand those to Node's own loader through the documented
 * `module.require`. Import this file before anything from `../../src`.
 *
 * (The alternative, compiling those packages for Jest through `transformIgnorePatterns`, belongs in
 * the root jest.config.js; this keeps the workaround inside the gateway's tests.)
 */
jest.mock('http-proxy-middleware', () => requireThroughNode(require.resolve('http-proxy-middleware')));
jest.mock('@apidevtools/swagger-parser', () => requireThroughNode(require.resolve('@apidevtools/swagger-parser')));

function requireThroughNode(modulePath: string): unknown {
  const { Module } = jest.requireActual<typeof import('node:module')>('node:module');
  return new Module(modulePath).require(modulePath) as unknown;
}
