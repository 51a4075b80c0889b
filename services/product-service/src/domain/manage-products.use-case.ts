import { lockProduct } from './lock-product.step';
import type { UnitOfWork } from './ports';
import type { Product, ProductFields } from './product';
import { assertVersionNamed, NO_CONDITION, type VersionCondition } from './version-condition';

/** Creates a product and its `product.created` event in one transaction. */
export function createProduct(unitOfWork: UnitOfWork, fields: ProductFields, now = new Date()): Promise<Product> {
  return unitOfWork(async ({ products, addEvents }) => {
    const product = await products.insert(fields, now);
    await addEvents([{ type: 'product.created', product }]);
    return product;
  });
}

/** Replaces every field (PUT). It sets stock, so it must name the version it was based on. */
export function replaceProduct(
  unitOfWork: UnitOfWork,
  id: number,
  fields: ProductFields,
  condition: VersionCondition,
  now = new Date(),
): Promise<Product> {
  assertVersionNamed(condition);
  return unitOfWork(async ({ products, addEvents }) => {
    await lockProduct(products, id, condition);
    const product = (await products.update(id, fields, now))!;
    await addEvents([{ type: 'product.updated', product }]);
    return product;
  });
}

/**
 * Changes the given fields only (PATCH); the row is locked so concurrent patches do not
 * interleave. Setting stock needs a named version, as PUT does; other fields do not.
 */
export function patchProduct(
  unitOfWork: UnitOfWork,
  id: number,
  changes: Partial<ProductFields>,
  condition: VersionCondition = NO_CONDITION,
  now = new Date(),
): Promise<Product> {
  if (changes.stock !== undefined) assertVersionNamed(condition);
  return unitOfWork(async ({ products, addEvents }) => {
    const current = await lockProduct(products, id, condition);
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
export function deleteProduct(
  unitOfWork: UnitOfWork,
  id: number,
  condition: VersionCondition = NO_CONDITION,
  now = new Date(),
): Promise<void> {
  return unitOfWork(async ({ products, addEvents }) => {
    const product = await lockProduct(products, id, condition);
    await products.softDelete(id, now);
    await addEvents([{ type: 'product.deleted', product: { ...product, version: product.version + 1 } }]);
  });
}
