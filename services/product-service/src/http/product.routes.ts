import Router from '@koa/router';
import { notFoundError } from '@ecom/service-kit/errors';
import { requestBody } from '@ecom/service-kit/http';
import { adjustStock } from '../domain/adjust-stock.use-case';
import { createProduct, deleteProduct, patchProduct, replaceProduct } from '../domain/manage-products.use-case';
import type { ProductStore, UnitOfWork } from '../domain/ports';
import { readIfMatch, respondWithProduct } from './conditional-request';
import { decodeCursor, encodeCursor } from './cursor';
import {
  createProductBody,
  listProductsQuery,
  patchProductBody,
  productId,
  stockAdjustmentBody,
} from './product.schemas';
import { validate } from './validate';

/**
 * The public catalogue API: /products. Single products carry their version as `ETag`; writes
 * honour `If-Match` (412 when stale) and require it when they set stock (428 without it).
 */
export function productRoutes(unitOfWork: UnitOfWork, products: Pick<ProductStore, 'list' | 'findById'>): Router {
  const router = new Router({ prefix: '/products' });
  const idOf = (params: Record<string, string | undefined>) =>
    validate(productId, params['id'], 'The product id is invalid');

  router.post('/', async (ctx) => {
    const product = await createProduct(unitOfWork, validate(createProductBody, requestBody(ctx)));
    ctx.set('Location', `/products/${product.id}`);
    respondWithProduct(ctx, product, 201);
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
    const id = idOf(ctx.params);
    const product = await products.findById(id);
    if (!product) throw notFoundError('Product', id);
    respondWithProduct(ctx, product);
  });

  router.put('/:id', async (ctx) => {
    const id = idOf(ctx.params);
    const fields = validate(createProductBody, requestBody(ctx));
    respondWithProduct(ctx, await replaceProduct(unitOfWork, id, fields, readIfMatch(ctx)));
  });

  router.patch('/:id', async (ctx) => {
    const id = idOf(ctx.params);
    const changes = validate(patchProductBody, requestBody(ctx));
    respondWithProduct(ctx, await patchProduct(unitOfWork, id, changes, readIfMatch(ctx)));
  });

  router.delete('/:id', async (ctx) => {
    await deleteProduct(unitOfWork, idOf(ctx.params), readIfMatch(ctx));
    ctx.status = 204;
  });

  router.post('/:id/stock-adjustments', async (ctx) => {
    const id = idOf(ctx.params);
    const { delta } = validate(stockAdjustmentBody, requestBody(ctx));
    respondWithProduct(ctx, await adjustStock(unitOfWork, id, delta, readIfMatch(ctx)));
  });

  return router;
}
