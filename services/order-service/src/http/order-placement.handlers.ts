import type Koa from 'koa';
import { AppError, unavailableError } from '@ecom/service-kit/errors';
import { LoadShedder, requestBody } from '@ecom/service-kit/http';
import { currentRequestId } from '@ecom/service-kit/logging';
import { NOT_ACCEPTED_CODE, acceptAsyncOrder } from '../domain/accept-async-order.use-case';
import type { Order, OrderBody } from '../domain/order';
import { resolveOrderingUser } from '../domain/order-access.policy';
import { newOrderIdFor } from '../domain/order-id';
import { placeSyncOrder, type SyncPlacementDependencies } from '../domain/place-sync-order.use-case';
import type { OrderReader, OrderRequestQueue } from '../domain/ports';
import type { OrderMetrics } from '../order.metrics';
import {
  keyOfUser,
  runIdempotently,
  type IdempotencySettings,
  type IdempotentEndpoint,
  type StoredResponse,
} from './idempotent-request';
import { identifiedPlaceOrderBody, idempotencyKeyHeader, parse, placeOrderBody } from './order.schemas';
import { requesterOf } from './request-identity';

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

/** `POST /orders`: 201 with the order once committed, under admission control; refusals and 503s are thrown. */
export function postSyncOrder(ctx: Koa.Context, deps: OrderRouteDependencies): Promise<void> {
  return answerOnce(ctx, deps, (body) => ({
    name: 'POST /orders',
    onTakeover: 'replace',
    handle: (orderId) => placeNow(deps, body, orderId),
    recover: (earlierOrderId) => recoverSyncAttempt(deps, earlierOrderId),
  }));
}

/** `POST /orders/async`: 202 with the order's id once Kafka has the request; the worker places it later. */
export function postAsyncOrder(ctx: Koa.Context, deps: OrderRouteDependencies): Promise<void> {
  return answerOnce(ctx, deps, (body) => ({
    name: 'POST /orders/async',
    onTakeover: 'keep',
    handle: (orderId) => acceptForLater(deps, body, orderId),
    recover: (earlierOrderId) => recoverAsyncAttempt(deps, earlierOrderId),
  }));
}

/**
 * A sync attempt whose process stopped answering: its order, if it was written; otherwise its
 * placement intent is claimed first (`reserving` → `abandoned`), so that the earlier attempt, were
 * it still running, can no longer write its order (placement_abandoned) and the sweeper releases
 * its stock: the retry then places the order under a new id, and it is placed once.
 */
async function recoverSyncAttempt(deps: OrderRouteDependencies, earlierOrderId: string) {
  const written = async () => {
    const order = await deps.orders.findById(earlierOrderId);
    return order && { status: 201, body: order };
  };
  const found = await written();
  if (found) return found;
  await deps.placement.intents.claim(earlierOrderId);
  return written(); // it may have committed just before the claim
}

/**
 * An async attempt whose process stopped answering: 202 if its order is stored, or may still be
 * (undefined: the request is sent again under the same id, and the worker places it once); a
 * withdrawn one (the earlier attempt got 503) failed for good: 503, so the client retries afresh.
 */
async function recoverAsyncAttempt(deps: OrderRouteDependencies, earlierOrderId: string) {
  const order = await deps.orders.findById(earlierOrderId);
  if (!order) return undefined;
  if (order.status === 'rejected' && order.rejection_reason?.startsWith(NOT_ACCEPTED_CODE)) {
    throw unavailableError('kafka');
  }
  return accepted(earlierOrderId);
}

async function placeNow(deps: OrderRouteDependencies, body: OrderBody, orderId: string): Promise<StoredResponse> {
  let order: Order;
  try {
    order = await deps.admission.run(() => placeSyncOrder(deps.placement, body, orderId));
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

async function acceptForLater(deps: OrderRouteDependencies, body: OrderBody, orderId: string) {
  const { id } = await acceptAsyncOrder({ queue: deps.queue, unitOfWork: deps.placement.unitOfWork }, body, orderId);
  deps.metrics.outcomes.inc({ mode: 'async', outcome: 'accepted' });
  return accepted(id);
}

function accepted(id: string): StoredResponse {
  return { status: 202, body: { id, status: 'accepted' } };
}

/** Validates, then answers at most once per Idempotency-Key (the first answer is given again to a retry). */
async function answerOnce(
  ctx: Koa.Context,
  deps: OrderRouteDependencies,
  endpointFor: (body: OrderBody) => IdempotentEndpoint,
): Promise<void> {
  // An empty key is refused (400), not taken for "no key": the client believes it is protected.
  const sentKey = ctx.headers['idempotency-key'] as string | undefined;
  const key = parse(idempotencyKeyHeader, sentKey, 'The Idempotency-Key is invalid');
  const requester = requesterOf(ctx);
  const sent = parse(requester ? identifiedPlaceOrderBody : placeOrderBody, requestBody(ctx));
  // The order's user, resolved before the key is claimed: a refusal (403) writes nothing.
  const body: OrderBody = { user_id: resolveOrderingUser(requester, sent.user_id), items: sent.items };
  const newOrderId = () => newOrderIdFor(body.user_id);
  const userKey = key === undefined ? undefined : keyOfUser(body.user_id, key);
  const response = await runIdempotently(deps.idempotency, userKey, { body, newOrderId }, endpointFor(body));
  ctx.status = response.status;
  const id = (response.body as { id?: unknown }).id;
  if (typeof id === 'string') ctx.set('Location', `/orders/${id}`);
  // A replayed refusal (409/422) carries the first error; the request id is this request's own.
  const replayedError = (response.body as { error?: object }).error;
  ctx.body = replayedError ? { error: { ...replayedError, request_id: currentRequestId() ?? null } } : response.body;
}
