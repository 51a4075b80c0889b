/**
 * The catalogue of hostile requests (support/hostile-cases.ts and the bad tokens of
 * support/hostile-tokens.ts), each sent through the real gateway to the real services (processes,
 * real MySQL and Kafka, auth on): each gets a clear 4xx in the shared error shape
 * `{"error":{code,message,details,request_id}}` (a 401 with its `WWW-Authenticate: Bearer`
 * challenge) and writes nothing (row counts and stock are compared before and after). A valid
 * order afterwards, and one naming a product twice, show the system still places orders correctly.
 */
import { CASES, JSON_TYPE, order, type HostileCase } from './support/hostile-cases';
import { useHostileSystem } from './support/hostile-system';
import { TOKEN_CASES, adminClaims, forgedWithSystemKey } from './support/hostile-tokens';

describe('hostile inputs through the gateway (real services, real MySQL and Kafka)', () => {
  const system = useHostileSystem();
  const snapshot = () => system.snapshot();
  const authorizationOf = async (hostile: HostileCase): Promise<Record<string, string>> => {
    if (!hostile.authorization) return system.adminHeaders;
    const value = await hostile.authorization(system.signingKey!);
    return value === undefined ? {} : { authorization: value };
  };

  it.each([...CASES, ...TOKEN_CASES])(
    'when $name is sent to $method $path, then $status $code and nothing is written',
    async (hostile) => {
      const before = await snapshot();

      const response = await fetch(`${system.gatewayUrl}${hostile.path}`, {
        method: hostile.method,
        headers: {
          ...(hostile.body !== undefined && JSON_TYPE),
          ...(await authorizationOf(hostile)),
          ...hostile.headers,
        },
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
      if (hostile.status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('when a valid order comes right after the catalogue, then it is placed (the checks above could pass for a broken system otherwise)', async () => {
    const response = await fetch(`${system.gatewayUrl}/orders`, {
      method: 'POST',
      headers: { ...JSON_TYPE, ...system.adminHeaders },
      body: JSON.stringify(order([{ product_id: system.productId, quantity: 1 }])),
    });
    expect(response.status).toBe(201);
  });

  it('when a token forged the same way but with nothing wrong is sent, then it is accepted (the refusals above are for what each case changes)', async () => {
    const response = await fetch(`${system.gatewayUrl}/orders`, {
      method: 'POST',
      headers: { ...JSON_TYPE, authorization: await forgedWithSystemKey(adminClaims)(system.signingKey!) },
      body: JSON.stringify(order([{ product_id: system.productId, quantity: 1 }])),
    });
    expect(response.status).toBe(201);
  });

  it('when a customer orders with its own token and no user_id, then the order is its own: it reads and cancels it, another customer gets 404 for it', async () => {
    const [customer, other] = [await system.authHeaders('customer', 42), await system.authHeaders('customer', 43)];
    const send = (method: string, path: string, headers: Record<string, string>, body?: object) =>
      fetch(`${system.gatewayUrl}${path}`, {
        method,
        headers: { ...JSON_TYPE, ...headers },
        ...(body && { body: JSON.stringify(body) }),
      });

    const placed = await send('POST', '/orders', customer, { items: [{ product_id: system.productId, quantity: 1 }] });
    const { id, user_id } = (await placed.json()) as { id: string; user_id: number };

    expect({ status: placed.status, user_id }).toEqual({ status: 201, user_id: 42 });
    expect((await send('GET', `/orders/${id}`, other)).status).toBe(404);
    expect((await send('PUT', `/orders/${id}/status`, other, { status: 'cancelled' })).status).toBe(404);
    expect((await send('GET', `/orders/${id}`, customer)).status).toBe(200);
    const cancelled = await send('PUT', `/orders/${id}/status`, customer, { status: 'cancelled' });
    expect({ status: cancelled.status, order: await cancelled.json() }).toMatchObject({
      status: 200,
      order: { id, status: 'cancelled' },
    });
  });

  it('when a duplicate product appears twice in one order, then the answer is 4xx or both lines reserve stock: never one reservation for two lines', async () => {
    const before = await snapshot();
    const response = await fetch(`${system.gatewayUrl}/orders`, {
      method: 'POST',
      headers: { ...JSON_TYPE, ...system.adminHeaders },
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
