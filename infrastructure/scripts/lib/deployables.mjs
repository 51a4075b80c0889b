// The processes `npm start` runs, in start order. A deployable whose package is not in the
// repository yet is skipped, so the list can name the whole system from the start.
import { existsSync } from 'node:fs';
import { ROOT } from './run.mjs';

export const DEPLOYABLES = [
  {
    name: 'product-service',
    dir: 'services/product-service',
    entry: 'dist/main.js',
    port: 8081,
    portVariable: 'PRODUCT_SERVICE_PORT',
    setup: ['dist/migrate.js', 'dist/seed.js'],
  },
  {
    name: 'order-service',
    dir: 'services/order-service',
    entry: 'dist/main.js',
    port: 8082,
    portVariable: 'ORDER_SERVICE_PORT',
    setup: ['dist/migrate.js'],
  },
  {
    name: 'order-worker',
    dir: 'services/order-service',
    entry: 'dist/worker.js',
    port: 8083,
    portVariable: 'ORDER_WORKER_PORT',
    setup: [],
  },
  { name: 'gateway', dir: 'gateway', entry: 'dist/main.js', port: 8080, portVariable: 'GATEWAY_PORT', setup: [] },
];

/** The deployables whose source exists in this checkout. */
export function presentDeployables() {
  return DEPLOYABLES.filter((deployable) => {
    const source = deployable.entry.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts');
    return existsSync(`${ROOT}/${deployable.dir}/${source}`);
  });
}

/** The environment every process gets: the caller's, plus where each present service listens. */
export function systemEnvironment(deployables, base = process.env) {
  const env = { ...base };
  for (const deployable of deployables) env[deployable.portVariable] ??= String(deployable.port);
  const urlOf = (name) => {
    const found = deployables.find((deployable) => deployable.name === name);
    return found && `http://127.0.0.1:${env[found.portVariable]}`;
  };
  if (urlOf('product-service')) env.PRODUCT_SERVICE_URLS ??= urlOf('product-service');
  if (urlOf('order-service')) env.ORDER_SERVICE_URLS ??= urlOf('order-service');
  return env;
}
