import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findK6 } from '../runner/k6';
import { ORDER_MIX_FILE, drawOrderBody, drawOrderItems, readOrderMix, type OrderItem } from '../runner/order-mix';

const K6_ORDERS = path.join(__dirname, '..', 'k6', 'lib', 'orders.js');
const PRODUCTS = [11, 12, 13, 14];

describe("the order mix shared by k6's orders and the database ceiling", () => {
  test('when k6 builds an order body, then it reads the very file the runner reads', () => {
    const k6Source = readFileSync(K6_ORDERS, 'utf8');

    expect(k6Source).toContain("JSON.parse(open('./order-mix.json'))");
    expect(path.join(path.dirname(K6_ORDERS), 'order-mix.json')).toBe(ORDER_MIX_FILE);
  });

  test('when k6 and the runner each draw many orders, then their lines, units and products are spread alike', async () => {
    const k6 = shareOfDraws((await drawWithK6(6000)).map((body) => body.items));
    const runner = shareOfDraws(Array.from({ length: 6000 }, () => drawOrderBody(readOrderMix(), PRODUCTS).items));

    for (const [key, share] of Object.entries(runner)) expect(Math.abs((k6[key] ?? 0) - share)).toBeLessThan(0.04);
    expect(Object.keys(k6).sort()).toEqual(Object.keys(runner).sort());
  }, 60_000);

  test('when the mix is read, then an order has one to three lines of one or two units', () => {
    expect(readOrderMix()).toMatchObject({ lines: { min: 1, max: 3 }, quantity: { min: 1, max: 2 } });
  });

  test('when the draws are at their extremes, then the lines, units and products are at the ends of their ranges', () => {
    const mix = readOrderMix();

    expect(drawOrderItems(mix, PRODUCTS, () => 0)).toEqual([{ product_id: 11, quantity: 1 }]);
    expect(drawOrderItems(mix, PRODUCTS, () => 0.9999)).toEqual(Array(3).fill({ product_id: 14, quantity: 2 }));
  });

  test('when many orders are drawn, then each number of lines and each product comes up about equally often', () => {
    const mix = readOrderMix();
    const bodies = Array.from({ length: 6000 }, () => drawOrderBody(mix, PRODUCTS));
    const share = (count: number, total: number) => count / total;
    const lines = [1, 2, 3].map((n) => share(bodies.filter((body) => body.items.length === n).length, bodies.length));
    const items = bodies.flatMap((body) => body.items);
    const products = PRODUCTS.map((id) => share(items.filter((item) => item.product_id === id).length, items.length));

    for (const value of lines) expect(Math.abs(value - 1 / 3)).toBeLessThan(0.04);
    for (const value of products) expect(Math.abs(value - 1 / 4)).toBeLessThan(0.04);
    expect(bodies.every((body) => body.user_id >= 1 && body.user_id <= 10_000)).toBe(true);
  });

  test('when there is no product to choose from, then no order is drawn', () => {
    expect(() => drawOrderItems(readOrderMix(), [])).toThrow('an order needs at least one product to choose from');
  });
});

/** Share of orders with each number of lines, and of lines with each quantity and each product. */
function shareOfDraws(orders: readonly (readonly OrderItem[])[]): Record<string, number> {
  const lines = orders.flat();
  const shares: Record<string, number> = {};
  const add = (key: string, total: number) => (shares[key] = (shares[key] ?? 0) + 1 / total);
  for (const order of orders) add(`lines ${order.length}`, orders.length);
  for (const line of lines) {
    add(`quantity ${line.quantity}`, lines.length);
    add(`product ${line.product_id}`, lines.length);
  }
  return shares;
}

/** `count` order bodies from k6's own orderBody (lib/orders.js), run by the project's k6. */
async function drawWithK6(count: number): Promise<{ items: OrderItem[] }[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'k6-order-mix-'));
  try {
    const script = path.join(dir, 'draw.js');
    writeFileSync(
      script,
      [
        `import { orderBody } from '${pathToFileURL(K6_ORDERS).href}';`,
        'export const options = { vus: 1, iterations: 1 };',
        `export function setup() { return Array.from({ length: ${count} }, () => JSON.parse(orderBody(${JSON.stringify(PRODUCTS)}))); }`,
        'export default function () {}',
        `export function handleSummary(data) { return { '${path.join(dir, 'draws.json')}': JSON.stringify(data.setup_data) }; }`,
      ].join('\n'),
    );
    const run = spawnSync(await findK6(), ['run', '--quiet', script], {
      encoding: 'utf8',
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
    });
    if (run.status !== 0) throw new Error(`k6 failed: ${run.stderr}`);
    return JSON.parse(readFileSync(path.join(dir, 'draws.json'), 'utf8')) as { items: OrderItem[] }[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
