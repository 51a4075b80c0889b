// The products a run orders from, created through the public API (so the same code seeds a local
// system, Docker Compose or AWS). 'default': many products with ample stock, so row locks are not
// what limits the run; 'contention': a few hot products with little stock, so oversell protection
// is exercised under load and refusals (409 / rejected) are counted.
import http from './http.js';
import { config } from './config.js';

const DATASETS = {
  default: { products: 200, stock: 1000000 },
  contention: { products: 5, stock: 100 },
  // The scaling run's hot variant: row-lock contention on a few products that never run out.
  hot: { products: 5, stock: 1000000000 },
};

export function createDataset(name = config.dataset) {
  const shape = DATASETS[name];
  if (!shape) throw new Error(`DATASET must be one of ${Object.keys(DATASETS).join(', ')}, got ${name}`);
  const run = Date.now().toString(36);
  const requests = [];
  for (let index = 0; index < shape.products; index += 1) {
    const body = {
      name: `k6 ${name} ${run} #${index}`,
      category: `k6-${name}`,
      price: (1 + (index % 50) + 0.25).toFixed(2),
      stock: shape.stock,
    };
    requests.push([
      'POST',
      `${config.baseUrl}/products`,
      JSON.stringify(body),
      { headers: { 'Content-Type': 'application/json' } },
    ]);
  }
  const ids = [];
  for (let start = 0; start < requests.length; start += 20) {
    for (const response of http.batch(requests.slice(start, start + 20))) {
      if (response.status !== 201) throw new Error(`creating a product answered ${response.status}: ${response.body}`);
      ids.push(response.json().id);
    }
  }
  return { dataset: name, productIds: ids, initialStock: shape.stock };
}
