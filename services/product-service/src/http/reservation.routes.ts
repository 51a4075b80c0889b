import Router from '@koa/router';
import { requestBody } from '@ecom/service-kit/http';
import { releaseStock } from '../domain/release-stock.use-case';
import { reserveStock, reserveStocks, type OrderReservation } from '../domain/reserve-stock.use-case';
import type { UnitOfWork } from '../domain/ports';
import { batchReservationBody, orderIdParam, reservationBody } from './product.schemas';
import { validate } from './validate';

/**
 * Internal API for the order service (never routed by the gateway):
 * POST /internal/reservations → 201 reserved (200 when the order id had reserved already);
 * POST /internal/reservations/batch → 200 with one result per order, in request order (below);
 * POST /internal/reservations/:order_id/release → 200, idempotent.
 */
export function reservationRoutes(unitOfWork: UnitOfWork): Router {
  const router = new Router({ prefix: '/internal/reservations' });

  router.post('/', async (ctx) => {
    const body = validate(reservationBody, requestBody(ctx));
    const { reservation, replayed } = await reserveStock(unitOfWork, body.order_id, body.items);
    ctx.status = replayed ? 200 : 201;
    ctx.body = reservation;
  });

  router.post('/batch', async (ctx) => {
    const body = validate(batchReservationBody, requestBody(ctx));
    const outcomes = await reserveStocks(unitOfWork, body.reservations);
    ctx.body = { results: outcomes.map(toBatchResult) };
  });

  router.post('/:orderId/release', async (ctx) => {
    const orderId = validate(orderIdParam, ctx.params['orderId'], 'The order id is invalid');
    ctx.body = await releaseStock(unitOfWork, orderId);
  });

  return router;
}

/**
 * One order's result in a batch, carrying what the single endpoint would have answered for it:
 * `reserved` (201) or `replayed` (200) with the reservation, or `refused` with the status and
 * the error (code, message, details) of the single endpoint's refusal.
 */
function toBatchResult(outcome: OrderReservation) {
  const { order_id, reservation, refusal } = outcome;
  if (refusal) {
    const { code, message, details } = refusal;
    return { order_id, outcome: 'refused', status: refusal.status, error: { code, message, details } };
  }
  return outcome.replayed
    ? { order_id, outcome: 'replayed', status: 200, reservation }
    : { order_id, outcome: 'reserved', status: 201, reservation };
}
