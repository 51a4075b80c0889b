import type { Context } from 'koa';
import { z } from 'zod';
import type { Product } from '../domain/product';
import { NO_CONDITION, type VersionCondition } from '../domain/version-condition';

/**
 * Optimistic concurrency over HTTP: a product's ETag is its version as a strong entity tag
 * (`"7"`), and `If-Match` is read back into the versions it names. Only strong tags of our form
 * match (If-Match compares strongly): weak tags (`W/"7"`), other tags and a value that is not a
 * list of entity tags at all (`7`) name no version, so the write gets 412, never a blind write.
 */
export function etagOf(product: Product): string {
  return `"${product.version}"`;
}

/** Answers with the product and its ETag. */
export function respondWithProduct(ctx: Context, product: Product, status = 200): void {
  ctx.status = status;
  ctx.set('ETag', etagOf(product));
  ctx.body = product;
}

const ENTITY_TAG_LIST = /^(W\/)?"[\x21\x23-\x7e]*"( *, *(W\/)?"[\x21\x23-\x7e]*")*$/;

/** `If-Match` (RFC 9110): `*`, or a list of entity tags, as a condition on the product's version. */
const ifMatchHeader = z
  .string()
  .trim()
  .transform((value): VersionCondition => {
    if (value === '*') return { kind: 'any' };
    if (!ENTITY_TAG_LIST.test(value)) return { kind: 'versions', versions: [] };
    const versions = [...value.matchAll(/(W\/)?"([^"]*)"/g)]
      .filter(([, weak, tag]) => weak === undefined && /^[1-9]\d{0,9}$/.test(tag!))
      .map(([, , tag]) => Number(tag));
    return { kind: 'versions', versions };
  });

/** The request's If-Match as a condition on the product's version (none when absent). */
export function readIfMatch(ctx: Context): VersionCondition {
  const header = ctx.headers['if-match'];
  return header === undefined ? NO_CONDITION : ifMatchHeader.parse(header);
}
