import { demoProduct, startProductService, type ProductServiceUnderTest } from './support/product-service.harness';

describe('product catalogue API (real MySQL and Kafka)', () => {
  let sut: ProductServiceUnderTest;
  const countProducts = async () => Number((await sut.db('products').count({ n: '*' }).first())?.['n']);

  beforeAll(async () => {
    sut = await startProductService();
  });

  afterAll(async () => {
    await sut.tearDown();
  });

  describe('POST /products', () => {
    it('when the body is valid, then 201 returns the product with a Location and exact price', async () => {
      const response = await sut.api.post('/products').send({ ...demoProduct, price: 12.5, unknown_field: 'ignored' });

      expect(response.status).toBe(201);
      expect(response.headers['location']).toBe(`/products/${response.body.id}`);
      expect(response.body).toEqual({
        id: expect.any(Number),
        name: 'Test beans',
        description: 'for tests',
        category: 'coffee',
        price: '12.50',
        stock: 10,
        version: 1,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(response.body).not.toHaveProperty('unknown_field');
    });

    it('when fields hold SQL metacharacters, then they are stored and returned verbatim', async () => {
      const name = `Robert'); DROP TABLE products;-- \\ % _ "`;
      const created = await sut.api.post('/products').send({ ...demoProduct, name, category: "o'reilly" });
      const fetched = await sut.api.get(`/products/${created.body.id}`);

      expect(fetched.body.name).toBe(name);
      expect(fetched.body.category).toBe("o'reilly");
    });

    it.each([
      ['missing name and price', { stock: 1 }, ['name', 'price']],
      ['a negative price', { ...demoProduct, price: -1 }, ['price']],
      ['a price with three decimals', { ...demoProduct, price: '1.999' }, ['price']],
      ['a zero price', { ...demoProduct, price: 0 }, ['price']],
      ['an absurd price', { ...demoProduct, price: 1e12 }, ['price']],
      ['a fractional stock', { ...demoProduct, stock: 1.5 }, ['stock']],
      ['a negative stock', { ...demoProduct, stock: -3 }, ['stock']],
      ['a stock given as text', { ...demoProduct, stock: '5' }, ['stock']],
      ['an over-long name', { ...demoProduct, name: 'x'.repeat(201) }, ['name']],
      ['a name of blanks', { ...demoProduct, name: '   ' }, ['name']],
      ['a NUL inside the name', { ...demoProduct, name: 'Cof\u0000fee' }, ['name']],
      ['a terminal escape in the name', { ...demoProduct, name: '\u001b[31mred\u001b[0m' }, ['name']],
      ['a C1 control in the category', { ...demoProduct, category: 'tea\u0085' }, ['category']],
      ['a line break in the name', { ...demoProduct, name: 'two\nlines' }, ['name']],
      ['a bell in the description', { ...demoProduct, description: 'ding\u0007' }, ['description']],
    ])('when the body has %s, then 400 names each bad field and nothing is written', async (_case, body, fields) => {
      const before = await countProducts();
      const response = await sut.api.post('/products').send(body);

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      expect(response.body.error.details.map((detail: { field: string }) => detail.field).sort()).toEqual(fields);
      expect(await countProducts()).toBe(before);
    });

    it('when the description has tabs and line breaks, then they are kept (prose), inside trimmed text', async () => {
      const created = await sut.api
        .post('/products')
        .send({ ...demoProduct, name: '  Spaced  ', description: 'line one\r\n\tline two' });

      expect(created.status).toBe(201);
      expect(created.body.name).toBe('Spaced');
      expect(created.body.description).toBe('line one\r\n\tline two');
    });

    it('when a search query holds a control character, then 400 names it', async () => {
      const response = await sut.api.get('/products').query({ q: 'be\u0000ans' });

      expect(response.status).toBe(400);
      expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toEqual(['q']);
    });

    it('when the JSON is malformed, then 400 malformed_json', async () => {
      const response = await sut.api.post('/products').set('Content-Type', 'application/json').send('{"name": ');
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('malformed_json');
    });

    it('when the content type is not JSON, then 415 and nothing is written', async () => {
      const before = await countProducts();
      const response = await sut.api.post('/products').set('Content-Type', 'text/plain').send('name=x');
      expect(response.status).toBe(415);
      expect(await countProducts()).toBe(before);
    });

    it('when the body is over the size limit, then 413', async () => {
      const response = await sut.api.post('/products').send({ ...demoProduct, description: 'x'.repeat(200_000) });
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('payload_too_large');
    });
  });

  describe('GET, PUT, PATCH and DELETE /products/:id', () => {
    it('when the product does not exist, then 404 with the error shape', async () => {
      const response = await sut.api.get('/products/999999');
      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({ code: 'not_found', request_id: expect.any(String) });
    });

    it('when the id is not a positive integer, then 400', async () => {
      expect((await sut.api.get('/products/abc')).status).toBe(400);
      expect((await sut.api.get('/products/-1')).status).toBe(400);
    });

    it('when PUT replaces every field, then the product changes and its version goes up', async () => {
      const created = await sut.api.post('/products').send(demoProduct);
      const response = await sut.api
        .put(`/products/${created.body.id}`)
        .set('If-Match', created.headers['etag']!)
        .send({ name: 'Renamed', description: null, category: 'tea', price: '3.10', stock: 4 });

      expect(created.headers['etag']).toBe('"1"');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        name: 'Renamed',
        description: null,
        category: 'tea',
        price: '3.10',
        stock: 4,
        version: 2,
      });
    });

    it('when PUT misses a field, then 400 and the product is unchanged', async () => {
      const { body: created } = await sut.api.post('/products').send(demoProduct);
      const response = await sut.api.put(`/products/${created.id}`).send({ name: 'Only a name' });

      expect(response.status).toBe(400);
      expect((await sut.api.get(`/products/${created.id}`)).body.name).toBe(demoProduct.name);
    });

    it('when PATCH changes one field, then only that field changes', async () => {
      const { body: created } = await sut.api.post('/products').send(demoProduct);
      const response = await sut.api.patch(`/products/${created.id}`).send({ price: '99.99' });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: demoProduct.name, price: '99.99', stock: demoProduct.stock });
    });

    it('when PATCH has no known field, then 400', async () => {
      const { body: created } = await sut.api.post('/products').send(demoProduct);
      expect((await sut.api.patch(`/products/${created.id}`).send({ colour: 'red' })).status).toBe(400);
    });

    it('when a product is deleted, then 204, then it is gone from reads and lists', async () => {
      const { body: created } = await sut.api.post('/products').send({ ...demoProduct, category: 'to-delete' });

      expect((await sut.api.delete(`/products/${created.id}`)).status).toBe(204);
      expect((await sut.api.get(`/products/${created.id}`)).status).toBe(404);
      expect((await sut.api.get('/products?category=to-delete')).body.items).toEqual([]);
      expect((await sut.api.delete(`/products/${created.id}`)).status).toBe(404);
    });
  });

  describe('GET /products', () => {
    beforeAll(async () => {
      const catalogue = [
        { name: 'Green tea', category: 'filter-tea', price: '4.00', stock: 5 },
        { name: 'Black tea', category: 'filter-tea', price: '6.50', stock: 0 },
        { name: 'Oolong tea', category: 'filter-tea', price: '12.00', stock: 2 },
        { name: 'Tea pot', category: 'filter-ware', price: '30.00', stock: 1 },
      ];
      for (const product of catalogue) await sut.api.post('/products').send(product).expect(201);
    });

    it('when filtered by category, price range, name and stock, then only matching products come back', async () => {
      const names = async (query: string) =>
        (await sut.api.get(`/products?${query}`)).body.items.map((item: { name: string }) => item.name);

      expect(await names('category=filter-tea')).toEqual(['Green tea', 'Black tea', 'Oolong tea']);
      expect(await names('category=filter-tea&min_price=5&max_price=12')).toEqual(['Black tea', 'Oolong tea']);
      expect(await names('category=filter-tea&in_stock=true')).toEqual(['Green tea', 'Oolong tea']);
      expect(await names('category=filter-tea&in_stock=false')).toEqual(['Black tea']);
      expect(await names('q=pot')).toEqual(['Tea pot']);
      // "%" and "_" are matched literally, not as LIKE wildcards: only the one name holding them matches.
      expect(await names('q=%25')).toEqual([expect.stringContaining('DROP TABLE')]);
      expect(await names('q=_')).toEqual([expect.stringContaining('DROP TABLE')]);
      expect(await names('q=TEA POT')).toEqual(['Tea pot']); // case-insensitive
    });

    it('when query parameters are invalid, then 400 names them', async () => {
      const response = await sut.api.get('/products?limit=500&min_price=abc&in_stock=maybe');
      expect(response.status).toBe(400);
      const fields = response.body.error.details.map((detail: { field: string }) => detail.field).sort();
      expect(fields).toEqual(['in_stock', 'limit', 'min_price']);
    });

    it('when the cursor was not made by the API, then 400 invalid_cursor', async () => {
      const response = await sut.api.get('/products?cursor=not-a-cursor');
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_cursor');
    });

    it('when paging while products are inserted concurrently, then no product is skipped or repeated', async () => {
      const category = 'paging';
      const initial = [];
      for (let index = 0; index < 25; index += 1) {
        initial.push(
          (await sut.api.post('/products').send({ ...demoProduct, name: `Page item ${index}`, category })).body.id,
        );
      }
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/products?category=${category}&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
        const [page] = await Promise.all([
          sut.api.get(query),
          sut.api.post('/products').send({ ...demoProduct, name: `Inserted during page ${pages}`, category }),
        ]);
        seen.push(...page.body.items.map((item: { id: number }) => item.id));
        cursor = page.body.next_cursor;
        pages += 1;
      } while (cursor && pages < 20);

      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen).toEqual(expect.arrayContaining(initial));
    });
  });
});
