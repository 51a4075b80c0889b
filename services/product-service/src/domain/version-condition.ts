import { AppError } from '@ecom/service-kit/errors';
import type { Product } from './product';

/**
 * A client's precondition on a product write, as the domain sees HTTP's If-Match: none sent,
 * `*` (the product exists), or the versions the client's ETags name (a write goes ahead only if
 * the product is still at one of them).
 */
export type VersionCondition =
  | { readonly kind: 'none' }
  | { readonly kind: 'any' }
  | { readonly kind: 'versions'; readonly versions: readonly number[] };

export const NO_CONDITION: VersionCondition = Object.freeze({ kind: 'none' });

/**
 * A write that sets `stock` to a number must name the version that number was read from:
 * reservations and releases move stock between the read and the write, and writing back what was
 * read would create or destroy units. `*` names no version. Stock adjustments (deltas) need none.
 */
export function assertVersionNamed(condition: VersionCondition): void {
  if (condition.kind === 'versions') return;
  const message =
    condition.kind === 'any'
      ? '"*" names no version: send the ETag of the product you read'
      : 'required when stock is set; or adjust stock by a delta (POST /products/{id}/stock-adjustments)';
  throw new AppError('precondition_required', 'A write that sets stock must send If-Match with the ETag it read', {
    status: 428,
    details: [{ field: 'If-Match', message }],
  });
}

/** Refuses (412) a write whose client read a version the product is no longer at. */
export function assertVersionMatches(product: Product, condition: VersionCondition): void {
  if (condition.kind !== 'versions' || condition.versions.includes(product.version)) return;
  throw new AppError('precondition_failed', `Product ${product.id} changed since it was read`, {
    status: 412,
    details: [{ field: 'If-Match', message: 'does not match the current ETag', current_version: product.version }],
  });
}
