import Router from '@koa/router';
import { AppError, notFoundError } from '@ecom/service-kit/errors';
import { requestBody } from '@ecom/service-kit/http';
import { changeOrderStatus } from '../domain/change-order-status.use-case';
import { isQueuedOrderVisibleTo, isVisibleTo, resolveListedUser } from '../domain/order-access.policy';
import { orderIdTime } from '../domain/order-id';
import { changeStatusBody, listOrdersQuery, orderIdParam, parse } from './order.schemas';
import { postAsyncOrder, postSyncOrder, type OrderRouteDependencies } from './order-placement.handlers';
import { identifyRequester, requesterOf } from './request-identity';

export type { OrderRouteDependencies };

/** The public order API: /orders, with the ownership rules of domain/order-access.policy.ts. */
export function orderRoutes(deps: OrderRouteDependencies): Router {
  const router = new Router({ prefix: '/orders' });
  router.use(identifyRequester());
  router.post('/', (ctx) => postSyncOrder(ctx, deps));
  router.post('/async', (ctx) => postAsyncOrder(ctx, deps));
  router.get('/', async (ctx) => {
    const query = parse(listOrdersQuery, ctx.query);
    const userId = resolveListedUser(requesterOf(ctx), query.user_id);
    const items = await deps.orders.list({
      ...(userId !== undefined && { userId }),
      ...(query.status !== undefined && { status: query.status }),
      ...(query.cursor !== undefined && { afterId: decodeCursor(query.cursor) }),
      limit: query.limit,
    });
    const last = items.length === query.limit ? items[items.length - 1] : undefined;
    ctx.body = { items, next_cursor: last ? Buffer.from(last.id).toString('base64url') : null };
  });
  router.get('/:id', async (ctx) => {
    const id = parse(orderIdParam, ctx.params['id'], 'The order id is invalid');
    const requester = requesterOf(ctx);
    const order = await deps.orders.findById(id);
    if (order) {
      if (!isVisibleTo(requester, order)) throw notFoundError('Order', id); // another user's: as if absent
      ctx.body = order;
      return;
    }
    // Queued, or not there at all; another user's queued order reads as not there too.
    if (!isStillProcessing(id, deps.processingWindowMs) || !isQueuedOrderVisibleTo(requester, id)) {
      throw notFoundError('Order', id);
    }
    ctx.status = 202;
    ctx.set('Retry-After', '1');
    ctx.body = { id, status: 'processing' };
  });
  router.put('/:id/status', async (ctx) => {
    const id = parse(orderIdParam, ctx.params['id'], 'The order id is invalid');
    const { status } = parse(changeStatusBody, requestBody(ctx));
    const { unitOfWork, stock } = deps.placement;
    ctx.body = await changeOrderStatus({ unitOfWork, stock, requester: requesterOf(ctx) }, id, status);
  });
  return router;
}

/**
 * An id this service minted (UUIDv7) that is not in the database yet: an accepted async order
 * still in the queue, for as long as the processing window lasts.
 */
function isStillProcessing(id: string, windowMs: number): boolean {
  const mintedAt = orderIdTime(id);
  return mintedAt !== undefined && Date.now() - mintedAt <= windowMs && mintedAt <= Date.now() + 60_000;
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!orderIdParam.safeParse(id).success) {
    throw new AppError('invalid_cursor', 'The cursor is not one this API returned', {
      status: 400,
      details: [{ field: 'cursor', message: 'invalid cursor' }],
    });
  }
  return id;
}
