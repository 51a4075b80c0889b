import Router from '@koa/router';
import type Koa from 'koa';
import { AppError, notFoundError, validationError } from '@ecom/service-kit/errors';
import { LoadShedder, requestBody } from '@ecom/service-kit/http';
import { currentRequestId } from '@ecom/service-kit/logging';
import { acceptAsyncOrder } from '../domain/accept-async-order.use-case';
import { changeOrderStatus } from '../domain/change-order-status.use-case';
import type { Order } from '../domain/order';
import { orderIdTime } from '../domain/order-id';
import { placeSyncOrder, type SyncPlacementDependencies } from '../domain/place-sync-order.use-case';
import type { OrderReader, OrderRequestQueue } from '../domain/ports';
import type { OrderMetrics } from '../order.metrics';
import { runIdempotently, type IdempotencySettings, type StoredResponse } from './idempotent-request';
import {
  changeStatusBody,
  idempotencyKeyHeader,
  listOrdersQuery,
  orderIdParam,
  placeOrderBody,
  type PlaceOrderBody,
} from './order.schemas';

export interface OrderRouteDependencies {
  readonly orders: OrderReader;
  /** Sync placement; its unit of work and stock also serve status changes. */
  readonly placement: SyncPlacementDependencies;
  /** Where async orders wait for the worker (Kafka). */
  readonly queue: OrderRequestQueue;
  /** Admission control of sync orders: over capacity they are refused (503) rather than queued. */
  readonly admission: LoadShedder;
  readonly idempotency: IdempotencySettings;
  readonly metrics: OrderMetrics;
  readonly processingWindowMs: number;
}

/** The public order API: /orders. */
export function orderRoutes(deps: OrderRouteDependencies): Router {
  const router = new Router({ prefix: '/orders' });
  router.post('/', (ctx) => answerOnce(ctx, deps, 'POST /orders', (body) => placeNow(deps, body)));
  router.post('/async', (ctx) => answerOnce(ctx, deps, 'POST /orders/async', (body) => acceptForLater(deps, body)));
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
    ctx.body = await changeOrderStatus(deps.placement.unitOfWork, deps.placement.stock, id, status);
  });
  return router;
}

/** 201 with the order once committed, under admission control; refusals and 503s are thrown. */
async function placeNow(deps: OrderRouteDependencies, body: PlaceOrderBody): Promise<StoredResponse> {
  let order: Order;
  try {
    order = await deps.admission.run(() => placeSyncOrder(deps.placement, body));
  } catch (error) {
    const outcome = error instanceof AppError && error.code === 'overloaded' ? 'shed' : refusalOf(error);
    if (outcome) deps.metrics.outcomes.inc({ mode: 'sync', outcome });
    throw error;
  }
  deps.metrics.outcomes.inc({ mode: 'sync', outcome: 'placed' });
  return { status: 201, body: order };
}

function refusalOf(error: unknown): 'refused' | undefined {
  return error instanceof AppError && error.status < 500 && !error.retriable ? 'refused' : undefined;
}

/** 202 with the order's id once Kafka has the request; the worker places it later. */
async function acceptForLater(deps: OrderRouteDependencies, body: PlaceOrderBody): Promise<StoredResponse> {
  const { id } = await acceptAsyncOrder(deps.queue, body);
  deps.metrics.outcomes.inc({ mode: 'async', outcome: 'accepted' });
  return { status: 202, body: { id, status: 'accepted' } };
}

/** Validates, then answers at most once per Idempotency-Key (the first answer is given again to a retry). */
async function answerOnce(
  ctx: Koa.Context,
  deps: OrderRouteDependencies,
  endpoint: string,
  answer: (body: PlaceOrderBody) => Promise<StoredResponse>,
): Promise<void> {
  // An empty key is refused (400), not taken for "no key": the client believes it is protected.
  const sentKey = ctx.headers['idempotency-key'] as string | undefined;
  const key = parse(idempotencyKeyHeader, sentKey, 'The Idempotency-Key is invalid');
  const body = parse(placeOrderBody, requestBody(ctx));
  const response = await runIdempotently(deps.idempotency, key, { endpoint, body }, () => answer(body));
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
