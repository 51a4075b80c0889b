/** The most units one product may have on hand. */
export const MAX_STOCK = 1_000_000_000;

/**
 * A product as the API shows it. Prices are exact decimal strings ("19.99"). `version` goes up with
 * every change of the row, stock movements (reservations, releases, adjustments) included: it is
 * the product's ETag, so a write based on an older read can be refused (If-Match).
 */
export interface Product {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly category: string | null;
  readonly price: string;
  readonly stock: number;
  readonly version: number;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface ProductFields {
  readonly name: string;
  readonly description: string | null;
  readonly category: string | null;
  readonly price: string;
  readonly stock: number;
}

export interface ProductFilter {
  readonly category?: string;
  readonly minPrice?: string;
  readonly maxPrice?: string;
  readonly nameContains?: string;
  readonly inStock?: boolean;
  /** Keyset pagination: only products with an id above this one. */
  readonly afterId?: number;
  readonly limit: number;
}

export interface ProductPage {
  readonly items: readonly Product[];
  readonly next_cursor: string | null;
}
