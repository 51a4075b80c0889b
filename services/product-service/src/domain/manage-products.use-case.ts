import { notFoundError } from '@ecom/service-kit/errors';
import type { UnitOfWork } from './ports';
import type { Product, ProductFields } from './product';

/** Creates a product and its `product.created` event in one transaction. */
export function createProduct(unitOfWork: UnitOfWork, fields: ProductFields, now = new Date()): Promise<Product> {
  return unitOfWork(async ({ products, addEvents }) => {
    const product = await products.insert(fields, now);
    await addEvents([{ type: 'product.created', product }]);
    return product;
  });
}

/** Replaces every field (PUT). */
export function replaceProduct(
  unitOfWork: UnitOfWork,
  id: number,
  fields: ProductFields,
  now = new Date(),
): Promise<Product> {
  return unitOfWork(async ({ products, addEvents }) => {
    const product = await products.update(id, fields, now);
    if (!product) throw notFoundError('Product', id);
    await addEvents([{ type: 'product.updated', product }]);
    return product;
  });
}

/** Changes the given fields only (PATCH); the row is locked so concurrent patches do not interleave. */
export function patchProduct(
  unitOfWork: UnitOfWork,
  id: number,
  changes: Partial<ProductFields>,
  now = new Date(),
): Promise<Product> {
  return unitOfWork(async ({ products, addEvents }) => {
    const current = await products.findById(id, { forUpdate: true });
    if (!current) throw notFoundError('Product', id);
    const { name, description, category, price, stock } = { ...current, ...changes };
    const product = (await products.update(id, { name, description, category, price, stock }, now))!;
    await addEvents([{ type: 'product.updated', product }]);
    return product;
  });
}

/**
 * Deletes softly: the product disappears from the catalogue and can no longer be reserved, while
 * orders that already reserved it keep their lines and can still release their units.
 */
export function deleteProduct(unitOfWork: UnitOfWork, id: number, now = new Date()): Promise<void> {
  return unitOfWork(async ({ products, addEvents }) => {
    const product = await products.findById(id, { forUpdate: true });
    if (!product) throw notFoundError('Product', id);
    await products.softDelete(id, now);
    await addEvents([{ type: 'product.deleted', product: { ...product, version: product.version + 1 } }]);
  });
}
