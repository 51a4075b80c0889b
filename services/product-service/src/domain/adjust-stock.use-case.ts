import { AppError } from '@ecom/service-kit/errors';
import { lockProduct } from './lock-product.step';
import type { UnitOfWork } from './ports';
import { MAX_STOCK, type Product } from './product';
import { NO_CONDITION, type VersionCondition } from './version-condition';

/**
 * Moves a product's stock by `delta` units (a delivery, a write-off), and its conserved total by
 * the same: a delta commutes with reservations and releases running at the same moment, so it
 * cannot create or lose units the way writing back a stock level read earlier can. Refused (409)
 * when it would leave fewer than 0 units on hand or more than MAX_STOCK. Not idempotent by
 * itself: a client that may retry sends the ETag it read, and a retry of an applied one gets 412.
 */
export function adjustStock(
  unitOfWork: UnitOfWork,
  id: number,
  delta: number,
  condition: VersionCondition = NO_CONDITION,
  now = new Date(),
): Promise<Product> {
  return unitOfWork(async ({ products, addEvents }) => {
    const current = await lockProduct(products, id, condition);
    assertStockInRange(current, delta);
    await products.moveStock(id, delta, now);
    const product = (await products.findById(id))!;
    await addEvents([{ type: 'product.updated', product }]);
    return product;
  });
}

function assertStockInRange(product: Product, delta: number): void {
  if (product.stock + delta < 0) {
    throw new AppError('insufficient_stock', 'Not enough stock on hand for this adjustment', {
      status: 409,
      details: [
        {
          field: 'delta',
          product_id: product.id,
          requested: -delta,
          available: product.stock,
          message: 'insufficient stock',
        },
      ],
    });
  }
  if (product.stock + delta > MAX_STOCK) {
    throw new AppError('stock_limit_exceeded', `A product holds at most ${MAX_STOCK} units`, {
      status: 409,
      details: [
        { field: 'delta', product_id: product.id, available: product.stock, message: `would exceed ${MAX_STOCK}` },
      ],
    });
  }
}
