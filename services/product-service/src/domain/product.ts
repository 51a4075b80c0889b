/** A product as the API shows it. Prices are exact decimal strings ("19.99"). */
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
