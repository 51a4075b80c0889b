/**
 * Load for the order benchmarks: products seeded through the product service's API, and a
 * closed loop of clients posting orders with the k6 suite's mix (performance-tests/k6/lib/order-mix.json),
 * over keep-alive connections.
 */
import { Agent, request } from 'node:http';
import { authorizationHeaders } from '../runner/api-token';
import { runClosedLoop } from '../runner/closed-loop';
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
  /** Bearer token sent with every order (through the gateway); none to a service directly. */
  readonly token?: string | undefined;
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
export async function closedLoop({ url, productIds, clients, seconds, token }: LoopOptions): Promise<LoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const mix = readOrderMix();
  const statuses: Record<string, number> = {};
  const postOrder = async () => {
    const body = JSON.stringify(drawOrderBody(mix, productIds));
    const { status } = await post(url, body, agent, authorizationHeaders(token)).catch(() => ({ status: 0 }));
    statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
  };
  const loop = await runClosedLoop(clients, seconds, postOrder).finally(() => agent.destroy());
  const placed = statuses['201'] ?? statuses['202'] ?? 0;
  return {
    perSecond: Math.round((loop.perSecond * placed) / Math.max(loop.operations, 1)),
    requests: loop.operations,
    p50Ms: loop.p50Ms,
    p99Ms: loop.p99Ms,
    statuses,
  };
}

function post(
  url: string,
  body: string,
  agent: Agent,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
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
