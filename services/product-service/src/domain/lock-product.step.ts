import { notFoundError } from '@ecom/service-kit/errors';
import type { ProductStore } from './ports';
import type { Product } from './product';
import { assertVersionMatches, type VersionCondition } from './version-condition';

/**
 * The first step of every change to one product: the row, locked until the transaction ends (so
 * the check below still holds when the write lands); 404 when it does not exist, 412 when the
 * client's If-Match names another version.
 */
export async function lockProduct(products: ProductStore, id: number, condition: VersionCondition): Promise<Product> {
  const product = await products.findById(id, { forUpdate: true });
  if (!product) throw notFoundError('Product', id);
  assertVersionMatches(product, condition);
  return product;
}
