/** Orders as the API shows them. Amounts are exact decimal strings. */
export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'rejected'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type OrderMode = 'sync' | 'async';

export interface OrderItem {
  readonly product_id: number;
  readonly quantity: number;
  readonly unit_price: string | null;
}

export interface Order {
  readonly id: string;
  readonly user_id: number;
  readonly status: OrderStatus;
  readonly mode: OrderMode;
  readonly items: readonly OrderItem[];
  readonly total_amount: string | null;
  readonly rejection_reason: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface RequestedItem {
  readonly product_id: number;
  readonly quantity: number;
}

/** What a client asks for, in either mode. */
export interface OrderBody {
  readonly user_id: number;
  readonly items: readonly RequestedItem[];
}

/** An accepted async order on its way to the worker: the client's body, its id and when it was accepted. */
export interface OrderRequest extends OrderBody {
  readonly order_id: string;
  /** When the order was accepted (the 202), for end-to-end latency. */
  readonly accepted_at: Date;
  /** The request id of the HTTP request that accepted it, so the worker's logs and calls carry it. */
  readonly request_id?: string;
}

/** An order about to be written: the row and its lines. */
export interface NewOrder {
  readonly id: string;
  readonly user_id: number;
  readonly status: 'pending' | 'rejected';
  readonly mode: OrderMode;
  readonly items: readonly OrderItem[];
  readonly total_amount: string | null;
  readonly rejection_reason: string | null;
  readonly accepted_at: Date;
}

/** The lifecycle: which status may follow which. Rejected, cancelled and delivered are final. */
export const NEXT_STATUSES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
  rejected: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}
