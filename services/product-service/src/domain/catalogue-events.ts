import type { Product } from './product';
import type { RequestedItem } from './reservation';

/** What the product service tells the world, as the domain sees it (messaging/ turns them into Kafka events). */
export type CatalogueEvent =
  | { readonly type: 'product.created' | 'product.updated' | 'product.deleted'; readonly product: Product }
  | {
      readonly type: 'stock.reserved' | 'stock.released';
      readonly orderId: string;
      readonly line: RequestedItem;
      /** The order's own request, when a batch reserved it (its Kafka header, as a single call's would be). */
      readonly requestId?: string;
    };
