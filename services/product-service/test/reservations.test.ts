import { randomUUID } from 'node:crypto';
import { findStockImbalances } from '../src/data/stock-conservation.query';
import { startProductService, type ProductServiceUnderTest } from './support/product-service.harness';

describe('stock reservation (real MySQL)', () => {
  let sut: ProductServiceUnderTest;

  beforeAll(async () => {
    sut = await startProductService();
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  const createProduct = (stock: number, price = '2.50') => sut.createProduct(stock, price);
  const stockOf = (id: number) => sut.stockOf(id);
  const reserve = (orderId: string, items: { product_id: number; quantity: number }[]) => sut.reserve(orderId, items);
  const release = (orderId: string) => sut.api.post(`/internal/reservations/${orderId}/release`);

  it('when 200 orders race for one unit each of a product with stock 50, then exactly 50 win and stock ends at 0', async () => {
    const productId = await createProduct(50);

    const responses = await Promise.all(
      Array.from({ length: 200 }, () => reserve(randomUUID(), [{ product_id: productId, quantity: 1 }])),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(50);
    expect(statuses.filter((status) => status === 409)).toHaveLength(150);
    expect(await stockOf(productId)).toBe(0);
    const [{ stock }] = await sut.db('products').select('stock').where({ id: productId });
    expect(stock).toBe(0);
    expect(await findStockImbalances(sut.db)).toEqual([]);
  });

  it('when a reservation succeeds, then it returns the catalogue prices and the exact total', async () => {
    const cheap = await createProduct(10, '0.10');
    const dear = await createProduct(10, '19.99');

    const response = await reserve('order-prices', [
      { product_id: dear, quantity: 3 },
      { product_id: cheap, quantity: 3 },
    ]);

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      order_id: 'order-prices',
      status: 'reserved',
      items: [
        { product_id: cheap, quantity: 3, unit_price: '0.10' },
        { product_id: dear, quantity: 3, unit_price: '19.99' },
      ],
      total_amount: '60.27',
    });
  });

  it('when one item is short, then nothing of the order is reserved and 409 names the short item', async () => {
    const plenty = await createProduct(100);
    const scarce = await createProduct(1);

    const response = await reserve('order-short', [
      { product_id: plenty, quantity: 5 },
      { product_id: scarce, quantity: 2 },
    ]);

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('insufficient_stock');
    expect(response.body.error.details).toEqual([
      expect.objectContaining({ product_id: scarce, requested: 2, available: 1 }),
    ]);
    expect(await stockOf(plenty)).toBe(100);
    expect(await stockOf(scarce)).toBe(1);
  });

  it('when a product does not exist, then 422 names it and nothing is reserved', async () => {
    const real = await createProduct(5);
    const response = await reserve('order-unknown', [
      { product_id: real, quantity: 1 },
      { product_id: 987654, quantity: 1 },
    ]);

    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'unknown_product',
      details: [expect.objectContaining({ product_id: 987654 })],
    });
    expect(await stockOf(real)).toBe(5);
  });

  it('when the same reservation is retried, concurrently and later, then stock moves once and every answer is the same', async () => {
    const productId = await createProduct(10);
    const orderId = randomUUID();

    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => reserve(orderId, [{ product_id: productId, quantity: 3 }])),
    );
    const later = await reserve(orderId, [{ product_id: productId, quantity: 3 }]);

    expect(concurrent.map((response) => response.status).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set([...concurrent, later].map((response) => JSON.stringify(response.body))).size).toBe(1);
    expect(await stockOf(productId)).toBe(7);
  });

  it('when the same order id comes with other items, then 422 and stock is untouched', async () => {
    const productId = await createProduct(10);
    await reserve('order-mismatch', [{ product_id: productId, quantity: 1 }]).expect(201);

    const response = await reserve('order-mismatch', [{ product_id: productId, quantity: 2 }]);

    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('reservation_mismatch');
    expect(await stockOf(productId)).toBe(9);
  });

  it('when a release is retried, concurrently and later, then the units come back exactly once', async () => {
    const productId = await createProduct(10);
    await reserve('order-release', [{ product_id: productId, quantity: 4 }]).expect(201);

    const responses = await Promise.all(Array.from({ length: 5 }, () => release('order-release')));
    await release('order-release').expect(200);

    expect(responses.every((response) => response.status === 200 && response.body.status === 'released')).toBe(true);
    expect(await stockOf(productId)).toBe(10);
    expect(await findStockImbalances(sut.db)).toEqual([]);
  });

  it('when an order is released before its reservation arrives, then the late reservation is refused and takes nothing', async () => {
    const productId = await createProduct(3);
    await release('order-late').expect(200);

    const response = await reserve('order-late', [{ product_id: productId, quantity: 1 }]);

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('reservation_released');
    expect(await stockOf(productId)).toBe(3);
  });

  it('when stock is edited while units are reserved, then conservation still holds', async () => {
    const productId = await createProduct(10);
    await reserve('order-restock', [{ product_id: productId, quantity: 6 }]).expect(201);

    const { headers } = await sut.api.get(`/products/${productId}`);
    await sut.api.patch(`/products/${productId}`).set('If-Match', headers['etag']!).send({ stock: 20 }).expect(200);
    await release('order-restock').expect(200);

    expect(await stockOf(productId)).toBe(26);
    expect(await findStockImbalances(sut.db)).toEqual([]);
  });

  it('when a reserved product is deleted, then releasing still returns its units and new reservations get 422', async () => {
    const productId = await createProduct(5);
    await reserve('order-deleted', [{ product_id: productId, quantity: 2 }]).expect(201);
    await sut.api.delete(`/products/${productId}`).expect(204);

    await release('order-deleted').expect(200);
    const again = await reserve('order-after-delete', [{ product_id: productId, quantity: 1 }]);

    expect(again.status).toBe(422);
    expect(await findStockImbalances(sut.db)).toEqual([]);
  });

  it('when the reservation body is invalid, then 400 names the fields', async () => {
    const response = await sut.api
      .post('/internal/reservations')
      .send({ order_id: 'bad id!', items: [{ product_id: 0, quantity: 1.5 }] });

    expect(response.status).toBe(400);
    const fields = response.body.error.details.map((detail: { field: string }) => detail.field).sort();
    expect(fields).toEqual(['items.0.product_id', 'items.0.quantity', 'order_id']);
  });
});
