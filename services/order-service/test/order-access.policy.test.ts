import type Koa from 'koa';
import {
  isQueuedOrderVisibleTo,
  isVisibleTo,
  resolveListedUser,
  resolveOrderingUser,
} from '../src/domain/order-access.policy';
import { isOrderIdOf, newOrderId, newOrderIdFor, orderIdTime } from '../src/domain/order-id';
import { requesterOf } from '../src/http/request-identity';

describe('the ownership rules, as pure functions (the HTTP cases are in order-ownership.test.ts)', () => {
  it('when a caller with no identity names no user, then 400 names user_id (HTTP never gets here: its schema asks first)', () => {
    expect(() => resolveOrderingUser(undefined, undefined)).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'validation_failed',
        details: [expect.objectContaining({ field: 'user_id' })],
      }),
    );
  });

  it('when a caller with no identity names any user, then that user is used, listed and seen', () => {
    expect(resolveOrderingUser(undefined, 5)).toBe(5);
    expect(resolveListedUser(undefined, 5)).toBe(5);
    expect(resolveListedUser(undefined, undefined)).toBeUndefined();
    expect(isVisibleTo(undefined, { user_id: 5 })).toBe(true);
  });

  it('when an admin lists without user_id, then every user is listed', () => {
    expect(resolveListedUser({ userId: 1, role: 'admin' }, undefined)).toBeUndefined();
  });

  it('when a route reads the requester without identifyRequester() before it, then it fails rather than allow all', () => {
    expect(() => requesterOf({ state: {} } as Koa.Context)).toThrow(/identifyRequester/);
  });

  it("when an order id is minted for a user, then it is still a UUIDv7 of its time, and carries that user's tag only", () => {
    const id = newOrderIdFor(42, 1_764_000_000_000);

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(orderIdTime(id)).toBe(1_764_000_000_000);
    expect(isOrderIdOf(id, 42)).toBe(true);
    expect(isOrderIdOf(id.toUpperCase(), 42)).toBe(true);
    expect(isOrderIdOf(id, 43)).toBe(false);
    expect(newOrderIdFor(42)).not.toBe(newOrderIdFor(42));
  });

  it('when an order is still queued, then a customer may hear so of its own only; an admin and the trusted network of any', () => {
    const queued = newOrderIdFor(7);

    expect(isQueuedOrderVisibleTo({ userId: 7, role: 'customer' }, queued)).toBe(true);
    expect(isQueuedOrderVisibleTo({ userId: 8, role: 'customer' }, queued)).toBe(false);
    expect(isQueuedOrderVisibleTo({ userId: 8, role: 'customer' }, newOrderId())).toBe(false);
    expect(isQueuedOrderVisibleTo({ userId: 1, role: 'admin' }, queued)).toBe(true);
    expect(isQueuedOrderVisibleTo(undefined, queued)).toBe(true);
  });
});
