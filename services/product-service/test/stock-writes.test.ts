import { randomUUID } from 'node:crypto';
import { findStockImbalances } from '../src/data/stock-conservation.query';
import { demoProduct, startProductService, type ProductServiceUnderTest } from './support/product-service.harness';

/**
 * Writes of stock against reservations running at the same time: absolute values only with
 * If-Match (optimistic concurrency on the product's version), deltas without phantom units.
 */
describe('product writes under concurrent reservations (real MySQL)', () => {
  let sut: ProductServiceUnderTest;

  beforeAll(async () => {
    sut = await startProductService();
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  const createProduct = (stock: number) => sut.createProduct(stock);
  const reserve = (productId: number, quantity: number) =>
    sut.api
      .post('/internal/reservations')
      .send({ order_id: randomUUID(), items: [{ product_id: productId, quantity }] });
  const totalStockOf = async (id: number) =>
    Number((await sut.db('products').select('total_stock').where({ id }).first())?.total_stock);

  it('when an admin PUTs a price change with the stock and ETag read before 5 units were reserved, then 412 and no unit appears', async () => {
    const id = await createProduct(10);
    const read = await sut.api.get(`/products/${id}`).expect(200);
    expect(read.headers['etag']).toBe(`"${read.body.version}"`);
    await reserve(id, 5).expect(201);

    const stale = await sut.api
      .put(`/products/${id}`)
      .set('If-Match', read.headers['etag']!)
      .send({ ...demoProduct, price: '15.00', stock: read.body.stock });

    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('precondition_failed');
    const now = await sut.api.get(`/products/${id}`);
    expect(now.body).toMatchObject({ stock: 5, price: demoProduct.price });
    expect(await totalStockOf(id)).toBe(10);
    expect(await findStockImbalances(sut.db)).toEqual([]);
  });

  it('when the admin PUTs again with the ETag read after the reservation, then 200 with the new version as ETag', async () => {
    const id = await createProduct(10);
    await reserve(id, 5).expect(201);
    const read = await sut.api.get(`/products/${id}`).expect(200);

    const replaced = await sut.api
      .put(`/products/${id}`)
      .set('If-Match', read.headers['etag']!)
      .send({ ...demoProduct, price: '15.00', stock: read.body.stock });

    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ stock: 5, price: '15.00', version: read.body.version + 1 });
    expect(replaced.headers['etag']).toBe(`"${replaced.body.version}"`);
    expect(await totalStockOf(id)).toBe(10);
  });

  it.each([
    ['PUT without If-Match', 'put', undefined, { ...demoProduct, stock: 50 }],
    ['PUT with If-Match: *', 'put', '*', { ...demoProduct, stock: 50 }],
    ['PATCH of stock without If-Match', 'patch', undefined, { stock: 50 }],
  ] as const)(
    'when a %s sets stock, then 428 precondition_required and nothing changes',
    async (_case, method, ifMatch, body) => {
      const id = await createProduct(10);
      const pending = sut.api[method](`/products/${id}`);

      const response = await (ifMatch ? pending.set('If-Match', ifMatch) : pending).send(body);

      expect(response.status).toBe(428);
      expect(response.body.error.code).toBe('precondition_required');
      expect((await sut.api.get(`/products/${id}`)).body).toMatchObject({ stock: 10, version: 1 });
    },
  );

  it('when a PATCH leaves stock alone, then it needs no If-Match, and a stale one still gets 412', async () => {
    const id = await createProduct(10);
    await reserve(id, 1).expect(201);

    const unconditional = await sut.api.patch(`/products/${id}`).send({ price: '11.00' });
    const stale = await sut.api.patch(`/products/${id}`).set('If-Match', '"1"').send({ price: '12.00' });

    expect(unconditional.status).toBe(200);
    expect(unconditional.headers['etag']).toBe(`"${unconditional.body.version}"`);
    expect(stale.status).toBe(412);
    expect((await sut.api.get(`/products/${id}`)).body.price).toBe('11.00');
  });

  it('when a DELETE carries a stale If-Match, then 412 and the product stays; with the current one, 204', async () => {
    const id = await createProduct(3);
    const { headers } = await sut.api.get(`/products/${id}`);
    await reserve(id, 1).expect(201);

    expect((await sut.api.delete(`/products/${id}`).set('If-Match', headers['etag']!)).status).toBe(412);
    const current = (await sut.api.get(`/products/${id}`).expect(200)).headers['etag']!;
    expect((await sut.api.delete(`/products/${id}`).set('If-Match', `"0", ${current}`)).status).toBe(204);
  });

  it.each([
    ['not a list of entity tags', '1'],
    ['a weak tag', 'W/"1"'],
    ['empty', ''],
  ])('when If-Match is %s, then it names no version: 412 and nothing changes', async (_case, ifMatch) => {
    const id = await createProduct(3);

    const response = await sut.api.put(`/products/${id}`).set('If-Match', ifMatch).send(demoProduct);

    expect(response.status).toBe(412);
    expect((await sut.api.get(`/products/${id}`)).body).toMatchObject({ stock: 3, version: 1 });
  });

  it('when stock is adjusted by deltas while 60 orders reserve at once, then every unit is accounted for exactly', async () => {
    const id = await createProduct(100);
    const adjustments = [...Array<number>(10).fill(5), ...Array<number>(10).fill(-3)];

    const [reservations, adjusted] = await Promise.all([
      Promise.all(Array.from({ length: 60 }, () => reserve(id, 1))),
      Promise.all(adjustments.map((delta) => sut.api.post(`/products/${id}/stock-adjustments`).send({ delta }))),
    ]);

    const reserved = reservations.filter((response) => response.status === 201).length;
    expect(reserved).toBe(60);
    expect(adjusted.map((response) => response.status)).toEqual(adjustments.map(() => 200));
    expect((await sut.api.get(`/products/${id}`)).body.stock).toBe(100 - 60 + 50 - 30);
    expect(await totalStockOf(id)).toBe(100 + 50 - 30);
    expect(await findStockImbalances(sut.db)).toEqual([]);
  });

  it('when a negative delta is more than the stock on hand, then 409 insufficient_stock and nothing changes', async () => {
    const id = await createProduct(4);
    await reserve(id, 3).expect(201);

    const response = await sut.api.post(`/products/${id}/stock-adjustments`).send({ delta: -2 });

    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({
      code: 'insufficient_stock',
      details: [expect.objectContaining({ field: 'delta', requested: 2, available: 1 })],
    });
    expect((await sut.api.get(`/products/${id}`)).body.stock).toBe(1);
    expect(await totalStockOf(id)).toBe(4);
  });

  it('when an adjustment carries the ETag it was based on, then a retry of it gets 412 instead of applying twice', async () => {
    const id = await createProduct(10);
    const { headers } = await sut.api.get(`/products/${id}`);
    const adjust = () =>
      sut.api.post(`/products/${id}/stock-adjustments`).set('If-Match', headers['etag']!).send({ delta: 7 });

    const first = await adjust();
    const retry = await adjust();

    expect(first.status).toBe(200);
    expect(first.body.stock).toBe(17);
    expect(first.headers['etag']).toBe(`"${first.body.version}"`);
    expect(retry.status).toBe(412);
    expect((await sut.api.get(`/products/${id}`)).body.stock).toBe(17);
  });

  it.each([
    ['a zero delta', { delta: 0 }],
    ['a fractional delta', { delta: 1.5 }],
    ['no delta', {}],
  ])('when an adjustment has %s, then 400', async (_case, body) => {
    const id = await createProduct(1);
    const response = await sut.api.post(`/products/${id}/stock-adjustments`).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('when an adjustment would take stock over the maximum, then 409 stock_limit_exceeded', async () => {
    const id = await createProduct(1_000_000_000);
    const response = await sut.api.post(`/products/${id}/stock-adjustments`).send({ delta: 1 });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('stock_limit_exceeded');
  });

  it('when the product does not exist, then an adjustment gets 404', async () => {
    expect((await sut.api.post('/products/987654321/stock-adjustments').send({ delta: 1 })).status).toBe(404);
  });
});
