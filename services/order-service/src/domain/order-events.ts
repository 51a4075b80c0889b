import type { Order, OrderStatus } from './order';

/** What the order service tells the world, as the domain sees it (messaging/ turns them into Kafka events). */
export type OrderEvent =
  | { readonly type: 'order.placed'; readonly order: Order }
  | { readonly type: 'order.rejected'; readonly order: Order }
  | { readonly type: 'order.status_changed'; readonly order: Order; readonly from: OrderStatus };
