import type { Identity } from '@ecom/auth/identity';
import { AppError } from '@ecom/service-kit/errors';
import type { Order, OrderStatus } from './order';
import { isOrderIdOf } from './order-id';

/**
 * Who may do what with orders. The gateway verifies the caller's token and forwards who it is
 * (http/request-identity.ts); this file holds the ownership rules that follow from it:
 * - a `customer` acts for itself only: it orders, lists, reads and cancels its own orders;
 * - an `admin` (operators, load tests) acts for any user, as every caller did before auth;
 * - no identity at all is a caller inside the trusted network (another service, an operator's
 *   direct call, or the gateway with AUTH_ENABLED=false): unrestricted. The services are
 *   reachable only from the gateway (security groups on ECS, 127.0.0.1 locally), which always
 *   strips identity headers sent by clients.
 */

/** Who asks: an identity the gateway vouched for (`@ecom/auth/identity`), or `undefined` for a caller inside the trusted network. */
export type Requester = Identity | undefined;

/**
 * The user an order is placed for: the body's `user_id`, or else the requester's own. A customer
 * naming another user is refused (403) before anything is written; a caller with no identity
 * must name the user, as before auth existed (400).
 */
export function resolveOrderingUser(requester: Requester, requestedUserId: number | undefined): number {
  if (requester === undefined) {
    if (requestedUserId === undefined) throw userIdRequired();
    return requestedUserId;
  }
  if (requester.role === 'customer' && requestedUserId !== undefined && requestedUserId !== requester.userId) {
    throw forbiddenError('A customer may place orders only for itself', 'user_id');
  }
  return requestedUserId ?? requester.userId;
}

/** Whose orders a list shows: a customer's own (another's is 403); anyone else's choice, all when unset. */
export function resolveListedUser(requester: Requester, requestedUserId: number | undefined): number | undefined {
  if (requester?.role !== 'customer') return requestedUserId;
  if (requestedUserId !== undefined && requestedUserId !== requester.userId) {
    throw forbiddenError('A customer may list only its own orders', 'user_id');
  }
  return requester.userId;
}

/**
 * Whether the requester may see `order` at all. Another user's order is answered as one that is
 * not there (404), so a customer cannot learn which ids belong to other users.
 */
export function isVisibleTo(requester: Requester, order: Pick<Order, 'user_id'>): boolean {
  return requester?.role !== 'customer' || order.user_id === requester.userId;
}

/**
 * Whether the requester may hear that `orderId`, not stored yet, is still in the queue (202
 * `processing`): as for a stored order, a customer learns it of its own orders only (their ids
 * carry their user's tag, `newOrderIdFor`); another user's reads as not there (404).
 */
export function isQueuedOrderVisibleTo(requester: Requester, orderId: string): boolean {
  return requester?.role !== 'customer' || isOrderIdOf(orderId, requester.userId);
}

/** A customer may only cancel (its own orders, see `isVisibleTo`); the other moves are the operators'. */
export function assertMayMoveTo(requester: Requester, to: OrderStatus): void {
  if (requester?.role === 'customer' && to !== 'cancelled') {
    throw forbiddenError(`A customer may cancel its orders but not mark them ${to}`, 'status');
  }
}

function forbiddenError(message: string, field: string): AppError {
  return new AppError('forbidden', message, {
    status: 403,
    details: [{ field, message: 'not allowed for this role' }],
  });
}

function userIdRequired(): AppError {
  return new AppError('validation_failed', 'The request is invalid', {
    status: 400,
    details: [{ field: 'user_id', message: 'required when the request carries no identity' }],
  });
}
