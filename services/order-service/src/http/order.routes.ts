import Router from '@koa/router';
import type Koa from 'koa';
import { AppError, currentRequestId, notFoundError, requestBody, validationError } from '@ecom/service-kit';
import type { OrderRepository } from '../data/order.repository';
import type { StoredResponse } from '../data/idempotency.repository';
import { runIdempotently, type IdempotencySettings } from '../domain/idempotent-request';
import { orderIdTime } from '../domain/order-id';
import { changeOrderStatus } from '../domain/change-order-status.use-case';
import type { UnitOfWork } from '../data/unit-of-work';
import type { StockReservations } from '../domain/place-orders.use-case';
import {
  changeStatusBody,
  idempotencyKeyHeader,
  listOrdersQuery,
  orderIdParam,
  placeOrderBody,
  type PlaceOrderBody,
} from './order.schemas';

export interface OrderRouteDependencies {
  readonly orders: OrderRepository;
  readonly unitOfWork: UnitOfWork;
  readonly stock: StockReservations;
  readonly idempotency: IdempotencySettings;
  readonly processingWindowMs: number;
  /** Places one order now; resolves with the 201 response. */
  readonly placeSync: (body: PlaceOrderBody) => Promise<StoredResponse>;
  /** Hands one order to Kafka; resolves with the 202 response once the broker acknowledged it. */
  readonly acceptAsync: (body: PlaceOrderBody) => Promise<StoredResponse>;
}

/** The public order API: /orders. */
export function orderRoutes(deps: OrderRouteDependencies): Router {
  const router = new Router({ prefix: '/orders' });
  router.post('/', (ctx) => placeVia(ctx, deps, 'POST /orders', deps.placeSync));
  router.post('/async', (ctx) => placeVia(ctx, deps, 'POST /orders/async', deps.acceptAsync));
  router.get('/', async (ctx) => {
    const query = parse(listOrdersQuery, ctx.query);
    const items = await deps.orders.list({
      ...(query.user_id !== undefined && { userId: query.user_id }),
      ...(query.status !== undefined && { status: query.status }),
      ...(query.cursor !== undefined && { afterId: decodeCursor(query.cursor) }),
      limit: query.limit,
    });
    const last = items.length === query.limit ? items[items.length - 1] : undefined;
    ctx.body = { items, next_cursor: last ? Buffer.from(last.id).toString('base64url') : null };
  });
  router.get('/:id', async (ctx) => {
    const id = parse(orderIdParam, ctx.params['id'], 'The order id is invalid');
    const order = await deps.orders.findById(id);
    if (order) {
      ctx.body = order;
      return;
    }
    if (!isStillProcessing(id, deps.processingWindowMs)) throw notFoundError('Order', id);
    ctx.status = 202;
    ctx.set('Retry-After', '1');
    ctx.body = { id, status: 'processing' };
  });
  router.put('/:id/status', async (ctx) => {
    const id = parse(orderIdParam, ctx.params['id'], 'The order id is invalid');
    const { status } = parse(changeStatusBody, requestBody(ctx));
    ctx.body = await changeOrderStatus(deps.unitOfWork, deps.stock, id, status);
  });
  return router;
}

async function placeVia(
  ctx: Koa.Context,
  deps: OrderRouteDependencies,
  endpoint: string,
  place: (body: PlaceOrderBody) => Promise<StoredResponse>,
): Promise<void> {
  // An empty key is refused (400), not taken for "no key": the client believes it is protected.
  const sentKey = ctx.headers['idempotency-key'] as string | undefined;
  const key = parse(idempotencyKeyHeader, sentKey, 'The Idempotency-Key is invalid');
  const body = parse(placeOrderBody, requestBody(ctx));
  const response = await runIdempotently(deps.idempotency, key, { endpoint, body }, () => place(body));
  ctx.status = response.status;
  const id = (response.body as { id?: unknown }).id;
  if (typeof id === 'string') ctx.set('Location', `/orders/${id}`);
  // A replayed refusal (409/422) carries the first error; the request id is this request's own.
  const replayedError = (response.body as { error?: object }).error;
  ctx.body = replayedError ? { error: { ...replayedError, request_id: currentRequestId() ?? null } } : response.body;
}

/**
 * An id this service minted (UUIDv7) that is not in the database yet: an accepted async order
 * still in the queue, for as long as the processing window lasts.
 */
function isStillProcessing(id: string, windowMs: number): boolean {
  const mintedAt = orderIdTime(id);
  return mintedAt !== undefined && Date.now() - mintedAt <= windowMs && mintedAt <= Date.now() + 60_000;
}

function parse<S extends import('zod').ZodType>(schema: S, input: unknown, message?: string): import('zod').output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error.issues, message);
  return result.data;
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
