import type Koa from 'koa';
import { isVisibleTo, resolveListedUser, resolveOrderingUser } from '../src/domain/order-access.policy';
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
});
