import Router from '@koa/router';
import { notFoundError } from '@ecom/service-kit/errors';
import { requestBody } from '@ecom/service-kit/http';
import { createProduct, deleteProduct, patchProduct, replaceProduct } from '../domain/manage-products.use-case';
import type { ProductStore, UnitOfWork } from '../domain/ports';
import { decodeCursor, encodeCursor } from './cursor';
import { createProductBody, listProductsQuery, patchProductBody, productId } from './product.schemas';
import { validate } from './validate';

/** The public catalogue API: /products. */
export function productRoutes(unitOfWork: UnitOfWork, products: Pick<ProductStore, 'list' | 'findById'>): Router {
  const router = new Router({ prefix: '/products' });

  router.post('/', async (ctx) => {
    const product = await createProduct(unitOfWork, validate(createProductBody, requestBody(ctx)));
    ctx.status = 201;
    ctx.set('Location', `/products/${product.id}`);
    ctx.body = product;
  });

  router.get('/', async (ctx) => {
    const query = validate(listProductsQuery, ctx.query);
    const items = await products.list({
      ...(query.category !== undefined && { category: query.category }),
      ...(query.min_price !== undefined && { minPrice: query.min_price }),
      ...(query.max_price !== undefined && { maxPrice: query.max_price }),
      ...(query.q !== undefined && { nameContains: query.q }),
      ...(query.in_stock !== undefined && { inStock: query.in_stock }),
      ...(query.cursor !== undefined && { afterId: decodeCursor(query.cursor) }),
      limit: query.limit,
    });
    const last = items.length === query.limit ? items[items.length - 1] : undefined;
    ctx.body = { items, next_cursor: last ? encodeCursor(last.id) : null };
  });

  router.get('/:id', async (ctx) => {
    const id = validate(productId, ctx.params['id'], 'The product id is invalid');
    const product = await products.findById(id);
    if (!product) throw notFoundError('Product', id);
    ctx.body = product;
  });

  router.put('/:id', async (ctx) => {
    const id = validate(productId, ctx.params['id'], 'The product id is invalid');
    ctx.body = await replaceProduct(unitOfWork, id, validate(createProductBody, requestBody(ctx)));
  });

  router.patch('/:id', async (ctx) => {
    const id = validate(productId, ctx.params['id'], 'The product id is invalid');
    ctx.body = await patchProduct(unitOfWork, id, validate(patchProductBody, requestBody(ctx)));
  });

  router.delete('/:id', async (ctx) => {
    const id = validate(productId, ctx.params['id'], 'The product id is invalid');
    await deleteProduct(unitOfWork, id);
    ctx.status = 204;
  });

  return router;
}
