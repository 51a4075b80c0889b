/**
 * Load for the order benchmarks: products seeded through the product service's API, and a
 * closed loop of clients posting orders with the k6 suite's mix (performance-tests/k6/lib/order-mix.json),
 * over keep-alive connections.
 */
import { Agent, request } from 'node:http';
import { drawOrderBody, readOrderMix } from '../runner/order-mix';

export interface LoopResult {
  readonly perSecond: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly statuses: Record<string, number>;
}

export interface LoopOptions {
  readonly url: string;
  readonly productIds: readonly number[];
  readonly clients: number;
  readonly seconds: number;
}

/** `count` products with `stock` units each; resolves with their ids. */
export async function seedProducts(productServiceUrl: string, count: number, stock: number): Promise<number[]> {
  const ids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const body = { name: `sweep #${index}`, category: 'sweep', price: (1 + (index % 50) + 0.25).toFixed(2), stock };
    const answer = await post(`${productServiceUrl}/products`, JSON.stringify(body), new Agent({ keepAlive: false }));
    if (answer.status !== 201) throw new Error(`creating a product answered ${answer.status}: ${answer.body}`);
    ids.push((JSON.parse(answer.body) as { id: number }).id);
  }
  return ids;
}

/** `clients` loops, each posting an order as soon as its previous answer arrived, for `seconds`. */
export async function closedLoop({ url, productIds, clients, seconds }: LoopOptions): Promise<LoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const mix = readOrderMix();
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const deadline = performance.now() + seconds * 1000;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const at = performance.now();
        const { status } = await post(url, JSON.stringify(drawOrderBody(mix, productIds)), agent).catch(() => ({
          status: 0,
        }));
        latencies.push(performance.now() - at);
        statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
  return {
    perSecond: Math.round((statuses['201'] ?? statuses['202'] ?? 0) / elapsed),
    requests: latencies.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    statuses,
  };
}

function post(url: string, body: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}
