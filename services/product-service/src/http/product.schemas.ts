import { z } from 'zod';
import { isMoney, normaliseMoney } from '../domain/money';
import { MAX_STOCK } from '../domain/product';

/** The HTTP contract of the product service, in zod. Unknown fields are dropped, not rejected. */

/** A price: a JSON number or a decimal string, positive, at most 2 decimals, below 10^10. */
export const price = z
  .union([z.number(), z.string()])
  .transform((value) => (typeof value === 'number' ? numberToPlainString(value) : value.trim()))
  .refine(isMoney, 'must be a positive amount with at most 2 decimals, below 10000000000')
  .transform(normaliseMoney)
  .refine((value) => value !== '0.00', 'must be greater than 0');

/** JSON numbers like 1e-7 would print in exponent form; those are refused by isMoney anyway. */
function numberToPlainString(value: number): string {
  return Number.isFinite(value) ? String(value) : 'NaN';
}

/** C0 and C1 control characters and DEL; prose may keep tab, line feed and carriage return. */
/* eslint-disable no-control-regex -- matching control characters is the point of these two */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARACTERS_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */

/**
 * Text of `min` to `max` characters once trimmed. Control characters are refused before trimming
 * (they would reach logs, terminals and exports as they are), as the OpenAPI patterns say.
 */
function text(max: number, { min = 0, lineBreaks = false }: { min?: number; lineBreaks?: boolean } = {}) {
  const forbidden = lineBreaks ? CONTROL_CHARACTERS_BUT_LINE_BREAKS : CONTROL_CHARACTERS;
  const trimmed = z.string().max(max, `must be at most ${max} characters`);
  return z
    .string()
    .refine(
      (value) => !forbidden.test(value),
      `must not contain control characters${lineBreaks ? ' other than tab and line breaks' : ''}`,
    )
    .transform((value) => value.trim())
    .pipe(min > 0 ? trimmed.min(min, 'must not be empty') : trimmed);
}

const productFields = {
  name: text(200, { min: 1 }),
  description: text(2000, { lineBreaks: true })
    .nullable()
    .optional()
    .transform((value) => value ?? null),
  category: text(100, { min: 1 })
    .nullable()
    .optional()
    .transform((value) => value ?? null),
  price,
  stock: z.number().int('must be a whole number').min(0, 'must not be negative').max(MAX_STOCK),
};

export const createProductBody = z.object(productFields);

export const patchProductBody = z
  .object({
    name: productFields.name.optional(),
    description: text(2000, { lineBreaks: true }).nullable().optional(),
    category: text(100, { min: 1 }).nullable().optional(),
    price: price.optional(),
    stock: productFields.stock.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'at least one field must be given');

export const productId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** `POST /products/:id/stock-adjustments`: units in (positive) or out (negative), never 0. */
export const stockAdjustmentBody = z.object({
  delta: z
    .number()
    .int('must be a whole number')
    .min(-MAX_STOCK)
    .max(MAX_STOCK)
    .refine((delta) => delta !== 0, 'must not be 0'),
});

const booleanText = z.enum(['true', 'false']).transform((value) => value === 'true');

export const listProductsQuery = z.object({
  category: text(100, { min: 1 }).optional(),
  min_price: z.string().refine(isMoney, 'must be an amount with at most 2 decimals').optional(),
  max_price: z.string().refine(isMoney, 'must be an amount with at most 2 decimals').optional(),
  q: text(200, { min: 1 }).optional(),
  in_stock: booleanText.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const reservationBody = z.object({
  order_id: z.string().regex(/^[\w-]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
  items: z
    .array(
      z.object({
        product_id: productId,
        quantity: z.number().int('must be a whole number').min(1).max(10_000),
      }),
    )
    .min(1, 'must contain at least one item')
    .max(100, 'must contain at most 100 items'),
});

export const orderIdParam = z.string().regex(/^[\w-]{1,64}$/);

/** The most orders, and order lines, one batch reservation may carry (one transaction holds their locks). */
export const MAX_BATCH_RESERVATIONS = 128;
export const MAX_BATCH_LINES = 1_000;

/** `POST /internal/reservations/batch`: orders as the single endpoint takes them, bounded in number and lines. */
export const batchReservationBody = z.object({
  reservations: z
    .array(reservationBody.extend({ request_id: z.string().min(1).max(128).optional() }))
    .min(1, 'must contain at least one reservation')
    .max(MAX_BATCH_RESERVATIONS, `must contain at most ${MAX_BATCH_RESERVATIONS} reservations`)
    .refine(
      (reservations) => reservations.reduce((lines, { items }) => lines + items.length, 0) <= MAX_BATCH_LINES,
      `must contain at most ${MAX_BATCH_LINES} items in all`,
    ),
});
