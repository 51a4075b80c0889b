/**
 * The catalogue of hostile requests (support/hostile-cases.ts), each sent through the real gateway
 * to the real services (processes, real MySQL and Kafka): each gets a clear 4xx in the shared error
 * shape `{"error":{code,message,details,request_id}}` and writes nothing (row counts and stock are
 * compared before and after). A valid order afterwards, and one naming a product twice, show the
 * system still places orders correctly.
 */
import { CASES, JSON_TYPE, order } from './support/hostile-cases';
import { useHostileSystem } from './support/hostile-system';

describe('hostile inputs through the gateway (real services, real MySQL and Kafka)', () => {
  const system = useHostileSystem();
  const snapshot = () => system.snapshot();

  it.each(CASES)('when $name is sent to $method $path, then $status $code and nothing is written', async (hostile) => {
    const before = await snapshot();

    const response = await fetch(`${system.gatewayUrl}${hostile.path}`, {
      method: hostile.method,
      headers: { ...(hostile.body !== undefined && JSON_TYPE), ...hostile.headers },
      ...(hostile.body !== undefined && {
        body: typeof hostile.body === 'string' ? hostile.body : JSON.stringify(hostile.body),
      }),
    });
    const body = (await response.json()) as { error: Record<string, unknown> };

    expect({ status: response.status, code: body.error['code'] }).toEqual({
      status: hostile.status,
      code: hostile.code,
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toEqual({
      code: hostile.code,
      message: expect.any(String),
      details: expect.any(Array),
      request_id: response.headers.get('x-request-id'),
    });
    expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+|SELECT |INSERT |ER_[A-Z_]+|knex|node_modules/);
    expect(await snapshot()).toEqual(before);
  });

  it('when a valid order comes right after the catalogue, then it is placed (the checks above could pass for a broken system otherwise)', async () => {
    const response = await fetch(`${system.gatewayUrl}/orders`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify(order([{ product_id: system.productId, quantity: 1 }])),
    });
    expect(response.status).toBe(201);
  });

  it('when a duplicate product appears twice in one order, then the answer is 4xx or both lines reserve stock: never one reservation for two lines', async () => {
    const before = await snapshot();
    const response = await fetch(`${system.gatewayUrl}/orders`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify(
        order([
          { product_id: system.productId, quantity: 2 },
          { product_id: system.productId, quantity: 3 },
        ]),
      ),
    });
    const after = await snapshot();
    if (response.status === 201) expect(before.stock - after.stock).toBe(5);
    else {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(after).toEqual(before);
    }
  });
});
